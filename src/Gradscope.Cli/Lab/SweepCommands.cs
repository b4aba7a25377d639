using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Gradscope.Ensembles;
using Gradscope.Lab;
using Gradscope.Lab.Store;
using Gradscope.Lab.Sweeps;

namespace Gradscope.Cli.Lab;

/// <summary><c>sweep</c>, <c>worker</c> and <c>summary</c>: hyperparameter sweeps over a store (issue 6).</summary>
internal static class SweepCommands
{
    public static Command Sweep()
    {
        var file = new Argument<string>("SWEEP") { Description = "Sweep file (YAML or JSON): base, axes, summary, ..." };
        var store = CommonOptions.Store();
        var workers = new Option<int>("--workers") { Description = "Worker processes sharing the store (default 2)", DefaultValueFactory = _ => 2 };
        var enqueueOnly = new Option<bool>("--enqueue-only") { Description = "Only queue the trials (workers on other machines run them: gradscope worker)" };
        var retry = new Option<bool>("--retry-failed") { Description = "Queue the sweep's failed trials again" };
        var lease = new Option<int>("--lease-seconds") { Description = "Lease of a claimed trial; a worker silent this long is presumed dead (default 60)", DefaultValueFactory = _ => 60 };
        var json = CommonOptions.Json("Print {\"id\", \"trials\", \"completed\", \"diverged\", \"failed\", \"queued\", \"running\"} on stdout");
        var cmd = new Command("sweep", "Run (or resume) a sweep: every trial of the grid once, in worker processes sharing the store")
        {
            file, store, workers, enqueueOnly, retry, lease, json,
        };
        cmd.SetAction(p => CliErrors.Guard(p.InvocationConfiguration.Error, () =>
        {
            var stdout = p.InvocationConfiguration.Output;
            var stderr = p.InvocationConfiguration.Error;
            if (p.GetValue(workers) < 1 || p.GetValue(lease) < 1)
            {
                throw new BadInputException("--workers and --lease-seconds must be >= 1");
            }
            var path = p.GetValue(file)!;
            var info = Execute(SweepLoader.LoadFile(path), Path.GetExtension(path), RunStore.ResolveLocation(p.GetValue(store)), p.GetValue(workers),
                p.GetValue(enqueueOnly), p.GetValue(retry), p.GetValue(lease), stderr);
            if (p.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(new
                {
                    id = info.Id,
                    trials = info.Trials,
                    completed = info.Completed,
                    diverged = info.Diverged,
                    failed = info.Failed,
                    queued = info.Queued,
                    running = info.Running,
                }));
            }
            else
            {
                stdout.WriteLine($"sweep {info.Id}: {info.Trials} trials: {info.Completed} completed, {info.Diverged} diverged, {info.Failed} failed, {info.Queued} queued, {info.Running} running");
                stdout.WriteLine($"  gradscope summary {info.Id}    gradscope report {info.Id}");
            }
            return info.Failed > 0 && !p.GetValue(enqueueOnly) ? ExitCodes.InternalError : ExitCodes.Success;
        }));
        return cmd;
    }

    /// <summary>Queues the sweep's trials (idempotently) and, unless only enqueueing, runs them: replica batches first when allowed, then worker processes.</summary>
    public static SweepInfo Execute(SweepSpec spec, string format, string location, int workers, bool enqueueOnly, bool retryFailed, int leaseSeconds, TextWriter stderr)
    {
        var trials = SweepPlan.Expand(spec);
        if (spec.Ensemble == EnsembleMode.On && EnsemblePlan.CanBatch(trials.Select(t => t.Spec).ToList()) is { Ok: false } no)
        {
            throw new BadInputException($"ensemble: on, but the trials cannot run as one replica batch: {no.Reason}");
        }
        using var st = RunStore.Open(location);
        var sweeps = (ISweepStore)st;
        var info = sweeps.CreateSweep(spec.Name, StoredSweep.ToJson(spec, format), trials.Select(SweepWorker.AxesJson).ToArray(), retryFailed);
        stderr.WriteLine($"gradscope sweep {info.Id}: {info.Trials} trials ({info.Completed + info.Diverged} done, {info.Failed} failed, {info.Queued} queued) in {RunStore.RedactPassword(st.Location)}");
        if (enqueueOnly)
        {
            return info;
        }
        var lease = TimeSpan.FromSeconds(leaseSeconds);
        if (spec.Ensemble != EnsembleMode.Off)
        {
            SweepEnsemble.Run(st, info.Id, trials, WorkerId(0), lease, stderr);
        }
        if (sweeps.GetSweep(info.Id) is { IsDone: false })
        {
            RunWorkers(location, info.Id, workers, leaseSeconds, stderr);
        }
        return sweeps.GetSweep(info.Id)!;
    }

    public static Command Worker()
    {
        var store = CommonOptions.Store();
        var sweep = new Option<string?>("--sweep") { Description = "Only this sweep's trials (default: any sweep's)" };
        var lease = new Option<int>("--lease-seconds") { Description = "Lease of a claimed trial, renewed every third of it (default 60)", DefaultValueFactory = _ => 60 };
        var max = new Option<int?>("--max-trials") { Description = "Stop after this many trials" };
        var json = CommonOptions.Json("Print {\"worker\", \"finished\", \"failed\", \"released\"} on stdout");
        var cmd = new Command("worker", "Claim and run queued sweep trials until none is left (run any number of these, on any machines sharing the store)")
        {
            store, sweep, lease, max, json,
        };
        cmd.SetAction(p => CliErrors.Guard(p.InvocationConfiguration.Error, () =>
        {
            if (p.GetValue(lease) < 1 || p.GetValue(max) is < 1)
            {
                throw new BadInputException("--lease-seconds and --max-trials must be >= 1");
            }
            var location = RunStore.ResolveLocation(p.GetValue(store));
            var id = WorkerId(0);
            using var cancel = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            var r = SweepWorker.Run(location, p.GetValue(sweep) is { } s ? SweepIds.FromName(s) : null, id, TimeSpan.FromSeconds(p.GetValue(lease)), p.GetValue(max),
                p.InvocationConfiguration.Error, cancel.Token);
            if (p.GetValue(json))
            {
                p.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(new { worker = id, finished = r.Finished, failed = r.Failed, released = r.Released }));
            }
            else
            {
                p.InvocationConfiguration.Output.WriteLine($"worker {id}: {r.Finished} trials finished, {r.Failed} failed, {r.Released} given back");
            }
            return ExitCodes.Success;
        }));
        return cmd;
    }

    public static Command Summary()
    {
        var sweep = new Argument<string>("SWEEP") { Description = "Sweep id or name" };
        var store = CommonOptions.Store();
        var format = new Option<string>("--format") { Description = "csv (default), parquet or json", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "parquet", "json");
        var outFile = new Option<string?>("--out") { Description = "Write to FILE instead of stdout (required for parquet)" };
        var cmd = new Command("summary", "One row per trial: trial,run,status, one column per axis path, one per summary name") { sweep, store, format, outFile };
        cmd.SetAction(p => CliErrors.Guard(p.InvocationConfiguration.Error, () =>
        {
            using var st = RunStore.Open(p.GetValue(store));
            var table = SweepSummary.Compute(st, p.GetValue(sweep)!);
            var fmt = p.GetValue(format)!;
            var outPath = p.GetValue(outFile);
            if (fmt == "parquet")
            {
                if (outPath is null)
                {
                    throw new BadInputException("--format parquet needs --out FILE");
                }
                using var fs = File.Create(outPath);
                SummaryExport.Parquet(table, fs);
                return ExitCodes.Success;
            }
            var text = fmt == "json" ? SummaryExport.Json(table) + "\n" : SummaryExport.Csv(table);
            if (outPath is null)
            {
                p.InvocationConfiguration.Output.Write(text);
            }
            else
            {
                File.WriteAllText(outPath, text);
            }
            return ExitCodes.Success;
        }));
        return cmd;
    }

    private static string WorkerId(int n) => $"{Environment.MachineName}:{Environment.ProcessId}:{n}";

    /// <summary>
    /// N workers on the sweep: child processes of this CLI when it runs as itself, threads (each with
    /// its own store connection) when it is hosted in another process (the tests).
    /// </summary>
    private static void RunWorkers(string location, string sweepId, int n, int leaseSeconds, TextWriter log)
    {
        var entry = Assembly.GetEntryAssembly();
        bool standalone = entry?.GetName().Name == typeof(SweepCommands).Assembly.GetName().Name && Environment.ProcessPath is not null;
        if (!standalone)
        {
            var threads = Enumerable.Range(1, n).Select(i => new Thread(() =>
                SweepWorker.Run(location, sweepId, WorkerId(i), TimeSpan.FromSeconds(leaseSeconds), log: TextWriter.Synchronized(log)))).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            return;
        }
        var procs = new List<Process>();
        for (int i = 0; i < n; i++)
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            {
                psi.ArgumentList.Add(entry!.Location);
            }
            foreach (var a in new[] { "worker", "--store", location, "--sweep", sweepId, "--lease-seconds", leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                psi.ArgumentList.Add(a);
            }
            var proc = Process.Start(psi)!;
            var sync = TextWriter.Synchronized(log);
            proc.OutputDataReceived += (_, e) => { if (e.Data is not null) { sync.WriteLine(e.Data); } };
            proc.ErrorDataReceived += (_, e) => { if (e.Data is not null) { sync.WriteLine(e.Data); } };
            proc.BeginOutputReadLine();
            proc.BeginErrorReadLine();
            procs.Add(proc);
        }
        foreach (var proc in procs)
        {
            proc.WaitForExit();
        }
    }
}
