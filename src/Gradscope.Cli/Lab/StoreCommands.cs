using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gradscope.Lab;
using Gradscope.Lab.Store;
using Gradscope.Tensors;

namespace Gradscope.Cli.Lab;

/// <summary><c>runs</c>, <c>show</c>, <c>metrics</c> and <c>checkpoint</c>: reading what the store holds.</summary>
internal static class StoreCommands
{
    public static Command Runs()
    {
        var store = CommonOptions.Store();
        var json = CommonOptions.Json("Print a JSON array of runs on stdout");
        var cmd = new Command("runs", "List the runs in the store, newest last") { store, json };
        cmd.SetAction(p => CliErrors.Guard(p.InvocationConfiguration.Error, () =>
        {
            var stdout = p.InvocationConfiguration.Output;
            using var st = RunStore.Open(p.GetValue(store));
            var runs = st.ListRuns();
            if (p.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(runs.Select(Describe)));
                return ExitCodes.Success;
            }
            if (runs.Count == 0)
            {
                p.InvocationConfiguration.Error.WriteLine($"gradscope: no runs in store {st.Location}");
                return ExitCodes.Success;
            }
            stdout.WriteLine($"{"id",-34} {"status",-10} {"steps",10}  {"dtype",-8} name");
            foreach (var r in runs)
            {
                stdout.WriteLine($"{r.Id,-34} {r.Status.ToName(),-10} {r.StepsDone,10}  {r.DType,-8} {r.Name}");
            }
            return ExitCodes.Success;
        }));
        return cmd;
    }

    public static Command Show()
    {
        var run = CommonOptions.Run();
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var cmd = new Command("show", "Show a run: status, timings, summary, metric names, checkpoints, spec") { run, store, json };
        cmd.SetAction(p => CliErrors.Guard(p.InvocationConfiguration.Error, () =>
        {
            var stdout = p.InvocationConfiguration.Output;
            using var st = RunStore.Open(p.GetValue(store));
            var r = st.ResolveRun(p.GetValue(run)!);
            var names = st.MetricNames(r.Id);
            var ckpts = RunExecutor.Checkpoints(r.Directory).Select(c => c.Step).ToArray();
            if (p.GetValue(json))
            {
                var d = Describe(r);
                d["metrics"] = names;
                d["checkpoints"] = ckpts;
                d["spec"] = JsonDocument.Parse(r.SpecJson).RootElement;
                d["summary"] = r.SummaryJson is null ? null : JsonDocument.Parse(r.SummaryJson).RootElement;
                stdout.WriteLine(JsonSerializer.Serialize(d));
                return ExitCodes.Success;
            }
            stdout.WriteLine($"run       {r.Id}");
            stdout.WriteLine($"name      {r.Name}");
            stdout.WriteLine($"status    {r.Status.ToName()}{(r.Error is null ? "" : "  (" + r.Error + ")")}");
            stdout.WriteLine($"seed      {r.Seed}   dtype {r.DType}   steps {r.StepsDone}");
            stdout.WriteLine($"created   {r.CreatedAt:u}   started {r.StartedAt:u}   finished {r.FinishedAt:u}");
            stdout.WriteLine($"dir       {r.Directory}");
            stdout.WriteLine($"summary   {r.SummaryJson ?? "-"}");
            stdout.WriteLine($"metrics   {string.Join(", ", names)}");
            stdout.WriteLine($"checkpoints (steps) {string.Join(", ", ckpts)}");
            stdout.WriteLine("spec:");
            stdout.WriteLine(JsonSerializer.Serialize(JsonDocument.Parse(r.SpecJson).RootElement, new JsonSerializerOptions { WriteIndented = true }));
            return ExitCodes.Success;
        }));
        return cmd;
    }

    public static Command Metrics()
    {
        var run = CommonOptions.Run();
        var store = CommonOptions.Store();
        var format = new Option<string?>("--format") { Description = "csv (default), parquet or json; long format step,time,name,value" };
        var outFile = new Option<string?>("--out") { Description = "Write to FILE instead of stdout (required for parquet)" };
        var names = new Option<string?>("--names") { Description = "Only these metrics, comma-separated (e.g. loss/train,mode/1)" };
        var cmd = new Command("metrics", "Export a run's metrics in long format") { run, store, format, outFile, names };
        cmd.SetAction(p => CliErrors.Guard(p.InvocationConfiguration.Error, () =>
        {
            var stderr = p.InvocationConfiguration.Error;
            string? path = p.GetValue(outFile);
            string? f = p.GetValue(format);
            MetricsFormat fmt;
            if (f is not null)
            {
                if (!MetricsExport.TryParseFormat(f, out fmt))
                {
                    throw new BadInputException($"--format: unknown value '{f}'; allowed: csv, parquet, json");
                }
            }
            else
            {
                fmt = path is not null && MetricsExport.FormatFromExtension(path) is { } byExt ? byExt : MetricsFormat.Csv;
            }
            if (path is null && !MetricsExport.IsText(fmt))
            {
                throw new BadInputException("--format parquet: needs --out FILE (Parquet is binary)");
            }
            using var st = RunStore.Open(p.GetValue(store));
            var r = st.ResolveRun(p.GetValue(run)!);
            var filter = p.GetValue(names)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (filter is not null)
            {
                var known = st.MetricNames(r.Id);
                var unknown = filter.Where(n => !known.Contains(n)).ToArray();
                if (unknown.Length > 0)
                {
                    throw new BadInputException($"--names: run {r.Id} has no metric {string.Join(", ", unknown)} (has: {string.Join(", ", known)})");
                }
            }
            var rows = st.ReadMetrics(r.Id, filter);
            if (path is null)
            {
                var stdout = p.InvocationConfiguration.Output;
                using var ms = new MemoryStream();
                MetricsExport.Write(rows, fmt, ms);
                stdout.Write(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
                stdout.Flush();
            }
            else
            {
                MetricsExport.WriteFile(rows, fmt, path);
                stderr.WriteLine($"gradscope: wrote {path}");
            }
            return ExitCodes.Success;
        }));
        return cmd;
    }

    public static Command Checkpoint()
    {
        var run = CommonOptions.Run();
        var store = CommonOptions.Store();
        var step = new Option<string>("--step") { Description = "A checkpointed step, or 'final' (default)", DefaultValueFactory = _ => "final" };
        var outFile = new Option<string>("--out") { Description = "Output FILE.safetensors (parameters only, PyTorch state-dict names)", Required = true };
        var cmd = new Command("checkpoint", "Export a run's parameters at a step as safetensors (loads in PyTorch with load_state_dict)") { run, store, step, outFile };
        cmd.SetAction(p => CliErrors.Guard(p.InvocationConfiguration.Error, () =>
        {
            using var st = RunStore.Open(p.GetValue(store));
            var r = st.ResolveRun(p.GetValue(run)!);
            var path = FindCheckpoint(r, p.GetValue(step)!);
            var src = SafeTensorFile.Load(path);
            var spec = Gradscope.Lab.Spec.SpecLoader.Parse(r.SpecJson, "json");
            var dst = new SafeTensorFile();
            var model = new Gradscope.Nn.Mlp(spec.Model.Widths, spec.Model.Activation, spec.Model.Bias, spec.Model.Parameterization);
            foreach (var prm in model.Parameters)
            {
                dst.Tensors[prm.Name] = src.Tensors[prm.Name];
            }
            foreach (var key in new[] { "step", "time", "dtype" })
            {
                if (src.Metadata.TryGetValue(key, out var v))
                {
                    dst.Metadata[key] = v;
                }
            }
            dst.Metadata["run"] = r.Id;
            var outPath = p.GetValue(outFile)!;
            dst.Save(outPath);
            p.InvocationConfiguration.Error.WriteLine($"gradscope: wrote {outPath} (step {src.Metadata.GetValueOrDefault("step", "?")})");
            return ExitCodes.Success;
        }));
        return cmd;
    }

    /// <summary>The checkpoint file of a run at a step ('final' = the newest); bad input naming the available steps otherwise.</summary>
    public static string FindCheckpoint(RunInfo r, string step)
    {
        var all = RunExecutor.Checkpoints(r.Directory);
        if (all.Count == 0)
        {
            throw new BadInputException($"run {r.Id} has no checkpoints");
        }
        if (step == "final")
        {
            return all[^1].Path;
        }
        if (!long.TryParse(step, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s))
        {
            throw new BadInputException($"--step: '{step}' is not a step number or 'final'");
        }
        foreach (var c in all)
        {
            if (c.Step == s)
            {
                return c.Path;
            }
        }
        throw new BadInputException($"--step: run {r.Id} has no checkpoint at step {s}; available: {string.Join(", ", all.Select(c => c.Step))}, final");
    }

    private static Dictionary<string, object?> Describe(RunInfo r) => new()
    {
        ["id"] = r.Id,
        ["name"] = r.Name,
        ["status"] = r.Status.ToName(),
        ["seed"] = r.Seed,
        ["dtype"] = r.DType,
        ["steps"] = r.StepsDone,
        ["created_at"] = r.CreatedAt.ToString("o", CultureInfo.InvariantCulture),
        ["finished_at"] = r.FinishedAt?.ToString("o", CultureInfo.InvariantCulture),
        ["error"] = r.Error,
        ["dir"] = r.Directory,
    };
}
