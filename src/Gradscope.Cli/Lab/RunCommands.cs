using System.CommandLine;
using System.Text.Json;
using Gradscope.Lab;
using Gradscope.Lab.Spec;
using Gradscope.Lab.Store;

namespace Gradscope.Cli.Lab;

/// <summary><c>gradscope run SPEC [--set PATH=VALUE]... [--store S] [--json]</c> and <c>gradscope resume RUN</c>.</summary>
internal static class RunCommands
{
    public static Command Run()
    {
        var spec = new Argument<string>("SPEC") { Description = "Experiment spec (YAML or JSON)" };
        var set = new Option<string[]>("--set")
        {
            Description = "Override a spec value: PATH=VALUE (e.g. optimizer.lr=0.02, model.widths=[8,16,8]); repeatable",
            AllowMultipleArgumentsPerToken = false,
        };
        var store = CommonOptions.Store();
        var json = CommonOptions.Json("Print exactly one JSON object {\"id\", \"status\", \"dir\"} on stdout");
        var cmd = new Command("run", "Run an experiment spec and store its metrics and checkpoints") { spec, set, store, json };
        cmd.SetAction(p =>
        {
            var stdout = p.InvocationConfiguration.Output;
            var stderr = p.InvocationConfiguration.Error;
            return CliErrors.Guard(stderr, () =>
            {
                var s = SpecLoader.LoadFile(p.GetValue(spec)!, p.GetValue(set) ?? []);
                using var st = RunStore.Open(p.GetValue(store));
                return Execute(st, stdout, stderr, p.GetValue(json), s.Name, progress => RunExecutor.Run(s, st, progress, CancelOnCtrlC()), Total(s));
            });
        });
        return cmd;
    }

    public static Command Resume()
    {
        var run = CommonOptions.Run();
        var store = CommonOptions.Store();
        var json = CommonOptions.Json("Print exactly one JSON object {\"id\", \"status\", \"dir\"} on stdout");
        var cmd = new Command("resume", "Continue a stopped or killed run from its newest checkpoint (bitwise the same trajectory)") { run, store, json };
        cmd.SetAction(p =>
        {
            var stdout = p.InvocationConfiguration.Output;
            var stderr = p.InvocationConfiguration.Error;
            return CliErrors.Guard(stderr, () =>
            {
                using var st = RunStore.Open(p.GetValue(store));
                var info = st.ResolveRun(p.GetValue(run)!);
                var s = SpecLoader.Parse(info.SpecJson, "json");
                return Execute(st, stdout, stderr, p.GetValue(json), info.Id, progress => RunExecutor.Resume(info.Id, st, progress, CancelOnCtrlC()), Total(s));
            });
        });
        return cmd;
    }

    private static (double Total, bool ByTime) Total(ExperimentSpec s) =>
        s.IsFlow ? (s.Time ?? 0, true) : (SpecFacts.TotalSteps(s) ?? 0, false);

    private static int Execute(IRunStore store, TextWriter stdout, TextWriter stderr, bool json, string label,
        Func<RunProgress, RunInfo> body, (double Total, bool ByTime) total)
    {
        var reporter = new ProgressReporter(stderr, label, total.Total, total.ByTime);
        RunInfo info;
        try
        {
            info = body(reporter.Report);
        }
        finally
        {
            reporter.Finish();
        }
        string status = info.Status.ToName();
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["id"] = info.Id, ["status"] = status, ["dir"] = info.Directory }));
        }
        else
        {
            stdout.WriteLine($"run {info.Id}: {status}{(info.Error is null ? "" : " (" + info.Error + ")")}");
            stdout.WriteLine($"  dir    {info.Directory}");
            if (info.SummaryJson is not null)
            {
                stdout.WriteLine($"  summary {info.SummaryJson}");
            }
            stdout.WriteLine($"  next   gradscope report {info.Id}{StoreArg(store)}");
        }
        stderr.WriteLine($"gradscope: run {info.Id} {status} in store {store.Location}");
        return info.Status == RunStatus.Failed ? ExitCodes.InternalError : ExitCodes.Success;
    }

    private static string StoreArg(IRunStore store) =>
        Path.GetFullPath(RunStore.DefaultLocation) == Path.GetFullPath(store.Location) ? "" : $" --store {store.Location}";

    /// <summary>Ctrl-C stops the run cleanly (status stopped, a checkpoint at the current step) instead of killing it.</summary>
    private static CancellationToken CancelOnCtrlC()
    {
        var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (!cts.IsCancellationRequested)
            {
                e.Cancel = true;
                cts.Cancel();
            }
        };
        return cts.Token;
    }
}
