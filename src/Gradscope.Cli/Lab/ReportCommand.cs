using System.CommandLine;
using System.Text.Json;
using Gradscope.Lab.Report;
using Gradscope.Lab.Store;

namespace Gradscope.Cli.Lab;

/// <summary><c>gradscope report RUN|SWEEP [--out DIR]</c>: PNG + SVG plots and a self-contained HTML page (a sweep: phase-diagram heatmaps and seed-band lines).</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("RUN") { Description = "Run id, a unique prefix of it, 'last' — or a sweep id or name" };
        var store = CommonOptions.Store();
        var outDir = new Option<string?>("--out") { Description = "Output directory (default: <run dir>/report)" };
        var json = CommonOptions.Json("Print {\"html\": ..., \"files\": [...]} on stdout");
        var cmd = new Command("report", "Plot a run's metrics (loss, gradient norm, sharpness, modes vs theory, landscapes, ...) or a sweep's phase diagrams into PNG/SVG and an HTML page") { run, store, outDir, json };
        cmd.SetAction(p => CliErrors.Guard(p.InvocationConfiguration.Error, () =>
        {
            using var st = RunStore.Open(p.GetValue(store));
            var name = p.GetValue(run)!;
            ReportResult result;
            if (st.GetRun(name) is null && (st.GetSweep(name) ?? st.GetSweep(SweepIds.FromName(name))) is { } sweep)
            {
                var table = Gradscope.Lab.Sweeps.SweepSummary.Compute(st, sweep.Id);
                result = SweepReport.Write(table, p.GetValue(outDir) ?? Path.Combine(st.FilesRoot, "sweeps", sweep.Id, "report"), $"Sweep {sweep.Name}");
            }
            else
            {
                var r = st.ResolveRun(name);
                result = Write(st, r, p.GetValue(outDir) ?? Path.Combine(r.Directory, "report"));
            }
            if (p.GetValue(json))
            {
                p.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(new { html = result.IndexHtml, files = result.Files }));
            }
            else
            {
                p.InvocationConfiguration.Output.WriteLine(result.IndexHtml);
            }
            return ExitCodes.Success;
        }));
        return cmd;
    }

    public static (ReportRun Run, IReadOnlyList<ReportMetric> Metrics) Load(IRunStore store, RunInfo r)
    {
        var summary = new Dictionary<string, string>();
        if (r.SummaryJson is not null)
        {
            foreach (var prop in JsonDocument.Parse(r.SummaryJson).RootElement.EnumerateObject())
            {
                summary[prop.Name] = prop.Value.ToString();
            }
        }
        if (r.Error is not null)
        {
            summary["error"] = r.Error;
        }
        var metrics = store.ReadMetrics(r.Id).Select(m => new ReportMetric(m.Step, m.Time, m.Name, m.Value)).ToArray();
        return (new ReportRun(r.Id, r.Name, r.Status.ToName(), r.SpecJson, summary), metrics);
    }

    public static ReportResult Write(IRunStore store, RunInfo r, string outDir)
    {
        var (run, metrics) = Load(store, r);
        var vectors = store.ReadVectors(r.Id).Select(v => new ReportVector(v.Step, v.Time, v.Name, v.Values)).ToArray();
        // Landscape plots drawn by `gradscope landscape` into the run's folder.
        var landscapes = Path.Combine(r.Directory, "landscape");
        var extra = Directory.Exists(landscapes)
            ? Directory.GetFiles(landscapes, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(png => new ReportFigure("landscape_" + Path.GetFileName(Path.GetDirectoryName(png)), $"Loss landscape: {Path.GetFileName(Path.GetDirectoryName(png))}", png, Path.ChangeExtension(png, ".svg")))
                .ToArray()
            : [];
        return RunReport.Write(run, metrics, outDir, vectors, extra);
    }
}
