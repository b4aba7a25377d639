using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gradscope.Lab;
using Gradscope.Lab.Report;
using Gradscope.Lab.Spec;
using Gradscope.Lab.Store;
using Gradscope.Lab.Sweeps;

namespace Gradscope.Cli.Lab;

/// <summary>
/// <c>gradscope gallery [NAME]</c>: built-in experiments, one folder per phenomenon under
/// gallery/ (spec files run in name order, and a README.md whose first line describes it).
/// Without NAME, lists them; with NAME, runs every spec of the entry and writes a comparison
/// report of all its runs.
/// </summary>
internal static class GalleryCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("NAME") { Description = "Gallery entry to run (omit to list them)", Arity = ArgumentArity.ZeroOrOne };
        var store = CommonOptions.Store();
        var set = new Option<string[]>("--set") { Description = "Override a value in every spec of the entry: PATH=VALUE; repeatable" };
        var json = CommonOptions.Json("Print {\"name\", \"runs\": [{\"id\", \"status\", \"dir\"}], \"report\"} on stdout");
        var cmd = new Command("gallery", "List or run the built-in experiments (e.g. saxe)") { name, store, set, json };
        cmd.SetAction(p => CliErrors.Guard(p.InvocationConfiguration.Error, () =>
        {
            var stdout = p.InvocationConfiguration.Output;
            var stderr = p.InvocationConfiguration.Error;
            var root = Root();
            var entry = p.GetValue(name);
            if (entry is null)
            {
                foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
                {
                    stdout.WriteLine($"{Path.GetFileName(dir),-12} {Describe(dir)}");
                }
                return ExitCodes.Success;
            }
            var folder = Path.Combine(root, entry);
            if (!Directory.Exists(folder))
            {
                throw new BadInputException($"gallery: no entry '{entry}'; available: {string.Join(", ", Directory.GetDirectories(root).Select(Path.GetFileName).Order())}");
            }
            var specs = Directory.GetFiles(folder).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
            // An entry with sweep files runs those (its other specs are their bases).
            var sweepFiles = specs.Where(SweepLoader.IsSweepFile).ToArray();
            if (sweepFiles.Length > 0)
            {
                return RunSweeps(entry, folder, sweepFiles, p.GetValue(store), p.GetValue(json), stdout, stderr);
            }
            // Validate every spec first: a bad entry writes nothing.
            var loaded = specs.Select(f => SpecLoader.LoadFile(f, p.GetValue(set) ?? [])).ToArray();
            // Entries may include real-data runs that need an optional Debian package: skip those, saying so.
            foreach (var missing in loaded.Where(NeedsMissingData))
            {
                stderr.WriteLine($"gradscope gallery {entry}: skipping {missing.Name}: no Fashion-MNIST files in {missing.Data.Dir ?? Gradscope.Data.FashionMnist.DefaultDirectory} (apt-get install {Gradscope.Data.FashionMnist.DebianPackage})");
            }
            loaded = loaded.Where(s => !NeedsMissingData(s)).ToArray();
            using var st = RunStore.Open(p.GetValue(store));
            stderr.WriteLine($"gradscope gallery {entry}: {Describe(folder)}");
            var runs = new List<RunInfo>();
            foreach (var s in loaded)
            {
                var reporter = new ProgressReporter(stderr, s.Name, s.IsFlow ? s.Time ?? 0 : SpecFacts.TotalSteps(s) ?? 0, s.IsFlow);
                var info = RunExecutor.Run(s, st, reporter.Report);
                reporter.Finish();
                runs.Add(info);
                ReportCommand.Write(st, info, Path.Combine(info.Directory, "report"));
                stderr.WriteLine($"  {s.Name}: {info.Status.ToName()}  {Verdict(info)}");
            }
            var outDir = Path.Combine(st.FilesRoot, "gallery", $"{entry}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
            var comparison = RunReport.WriteComparison(runs.Select(r => ReportCommand.Load(st, r)).ToArray(), outDir);
            if (p.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(new
                {
                    name = entry,
                    runs = runs.Select(r => new { id = r.Id, name = r.Name, status = r.Status.ToName(), dir = r.Directory, summary = r.SummaryJson is null ? (JsonElement?)null : JsonDocument.Parse(r.SummaryJson).RootElement }),
                    report = comparison.IndexHtml,
                }));
            }
            else
            {
                foreach (var r in runs)
                {
                    stdout.WriteLine($"{r.Name,-28} {r.Status.ToName(),-10} {Verdict(r)}  {r.Id}");
                }
                stdout.WriteLine($"report: {comparison.IndexHtml}");
            }
            return runs.Any(r => r.Status == RunStatus.Failed) ? ExitCodes.InternalError : ExitCodes.Success;
        }));
        return cmd;
    }

    private static int RunSweeps(string entry, string folder, string[] files, string? store, bool json, TextWriter stdout, TextWriter stderr)
    {
        var sweeps = files.Select(f => (File: f, Spec: SweepLoader.LoadFile(f))).ToArray();
        foreach (var s in sweeps)
        {
            SweepPlan.Expand(s.Spec); // validate all before running any
        }
        stderr.WriteLine($"gradscope gallery {entry}: {Describe(folder)}");
        var location = RunStore.ResolveLocation(store);
        var results = new List<object>();
        foreach (var (file, spec) in sweeps)
        {
            var info = SweepCommands.Execute(spec, Path.GetExtension(file), location, workers: 2, enqueueOnly: false, retryFailed: false, leaseSeconds: 60, stderr);
            using var st = RunStore.Open(location);
            var table = SweepSummary.Compute(st, info.Id);
            var outDir = Path.Combine(st.FilesRoot, "gallery", $"{entry}-{info.Id}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
            var report = SweepReport.Write(table, outDir, $"{entry}: {spec.Name}");
            results.Add(new { id = info.Id, trials = info.Trials, completed = info.Completed, diverged = info.Diverged, failed = info.Failed, report = report.IndexHtml });
            if (!json)
            {
                stdout.WriteLine($"sweep {info.Id}: {info.Trials} trials: {info.Completed} completed, {info.Diverged} diverged, {info.Failed} failed");
                stdout.WriteLine($"report: {report.IndexHtml}");
            }
        }
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new { name = entry, sweeps = results }));
        }
        return ExitCodes.Success;
    }

    private static bool NeedsMissingData(ExperimentSpec s) =>
        s.Data.Kind == DataKind.FashionMnist && !Directory.Exists(s.Data.Dir ?? Gradscope.Data.FashionMnist.DefaultDirectory);

    private static string Verdict(RunInfo r)
    {
        if (r.SummaryJson is null)
        {
            return "";
        }
        var s = JsonDocument.Parse(r.SummaryJson).RootElement;
        var parts = new List<string>();
        if (s.TryGetProperty("final_loss", out var l) && l.ValueKind == JsonValueKind.Number)
        {
            parts.Add($"final loss {l.GetDouble():G4}");
        }
        if (s.TryGetProperty("theory_max_rel_error", out var e))
        {
            parts.Add($"max |u - u_theory|/s = {e.GetDouble():E2}");
        }
        if (s.TryGetProperty("eos_median_ratio", out var m) && s.TryGetProperty("eos_first_step", out var f))
        {
            parts.Add($"sharpness reached its threshold (2/η for GD) at step {f.GetInt64()}, then median {m.GetDouble():F3}× it");
        }
        if (s.TryGetProperty("eos_preconditioned_median_ratio", out var pm) && s.TryGetProperty("eos_preconditioned_first_step", out var pf))
        {
            parts.Add($"preconditioned sharpness reached its threshold at step {pf.GetInt64()}, then median {pm.GetDouble():F3}× it");
        }
        return string.Join(", ", parts);
    }

    private static string Describe(string dir)
    {
        var readme = Path.Combine(dir, "README.md");
        return File.Exists(readme) ? File.ReadLines(readme).FirstOrDefault(l => l.Trim().Length > 0)?.TrimStart('#', ' ') ?? "" : "";
    }

    /// <summary>The gallery folder: $GRADSCOPE_GALLERY, the copy next to the CLI, or ./gallery.</summary>
    public static string Root()
    {
        foreach (var c in new[] { Environment.GetEnvironmentVariable("GRADSCOPE_GALLERY"), Path.Combine(AppContext.BaseDirectory, "gallery"), Path.GetFullPath("gallery") })
        {
            if (c is not null && Directory.Exists(c))
            {
                return c;
            }
        }
        throw new BadInputException("gallery: the gallery folder was not found (set GRADSCOPE_GALLERY)");
    }
}
