using Gradscope.Lab.Report;

namespace Gradscope.Tests.Lab.Report;

public sealed class ComparisonReportTests : IDisposable
{
    private readonly ReportTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (ReportRun, IReadOnlyList<ReportMetric>) Gd(string id, double eta, double u0 = 1e-3) =>
        (SyntheticRuns.Run(id) with { Name = $"gd-{eta}" }, SyntheticRuns.SaxeGd(steps: (int)(3 / eta), eta: eta, u0: u0));

    [Fact]
    public void OverlaysRunsWithTheirTheoryDashedOnTop()
    {
        var runs = new[] { Gd("run-a", 0.01), Gd("run-b", 0.05) };
        var notes = new List<string>();
        var tables = runs.Select(r => (r.Item1.Name, MetricTable.From(r.Item2))).ToList();

        List<ChartSpec> charts = ComparisonCharts.Build(tables, notes);

        ChartSpec modes = charts[0];
        Assert.Equal("compare_modes", modes.Key);
        Assert.StartsWith("time", modes.XLabel, StringComparison.Ordinal);
        // 2 runs x 3 modes measured, then 2 x 3 theory curves on top.
        Assert.Equal(12, modes.Lines.Count);
        Assert.All(modes.Lines.Take(6), l => Assert.False(l.Dashed));
        Assert.All(modes.Lines.Skip(6), l => Assert.True(l.Dashed));
        Assert.Equal(["gd-0.01", "gd-0.05"], modes.Lines.Where(l => l.Legend is not null).Select(l => l.Legend));
        Assert.Equal([Palette.At(0), Palette.At(1)], modes.Lines.Take(6).Select(l => l.Color).Distinct());
        // Theory is one neutral colour: runs sharing a theory (flow vs GD) would otherwise hide each other's dashes.
        Assert.All(modes.Lines.Skip(6), l => Assert.Equal(Palette.Theory, l.Color));

        Assert.Equal(
            ["compare_modes", "compare_loss_train", "compare_loss_test", "compare_grad_norm", "compare_theory_max_rel_error", "compare_balancedness", "compare_param_norm"],
            charts.Select(c => c.Key));
        // Per-parameter families are not overlaid across runs.
        Assert.DoesNotContain(charts, c => c.Key.Contains("sv", StringComparison.Ordinal));
    }

    [Fact]
    public void WritesAComparisonPageWithEveryRun()
    {
        // A smaller initial scale delays run b's transitions, so the two runs' bands lie apart.
        var runs = new[] { Gd("run-a", 0.01), Gd("run-b", 0.05, u0: 1e-6) };
        ReportResult result = RunReport.WriteComparison(runs, _dir.Path);
        double opacity = ComparisonCharts.Build([.. runs.Select(r => (r.Item1.Name, MetricTable.From(r.Item2)))], []).First().Lines[0].Opacity;

        string html = File.ReadAllText(result.IndexHtml);
        Assert.Contains("run-a", html, StringComparison.Ordinal);
        Assert.Contains("run-b", html, StringComparison.Ordinal);
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.All(result.Files, f => Assert.True(File.Exists(f), f));
        byte[] modes = File.ReadAllBytes(result.Figures[0].PngPath);
        Assert.Equal((900, 550), ImageChecks.AssertPng(modes));
        // Both runs' translucent bands (the run colour at the band's opacity over white) are visible.
        Assert.True(ImageChecks.CountPixels(modes, ImageChecks.OverWhite("#1f77b4", opacity)) > 300, "run 1 band missing");
        Assert.True(ImageChecks.CountPixels(modes, ImageChecks.OverWhite("#ff7f0e", opacity)) > 300, "run 2 band missing");
    }

    [Fact]
    public void RepeatedRunNamesAreTeasedApartByTheirIds()
    {
        ReportRun a = SyntheticRuns.Run("id-a"), b = SyntheticRuns.Run("id-b"), c = SyntheticRuns.Run("id-c") with { Name = "other" };

        Assert.Equal(["saxe-synthetic (id-a)", "saxe-synthetic (id-b)", "other"], RunReport.RunLabels([a, b, c]));
    }

    [Fact]
    public void RunsWithoutMetricsGiveAPageSayingSo()
    {
        ReportResult result = RunReport.WriteComparison([(SyntheticRuns.Run("x"), []), (SyntheticRuns.Run("y"), [])], _dir.Path);

        Assert.Empty(result.Figures);
        Assert.Contains("None of these runs recorded metrics to compare.", File.ReadAllText(result.IndexHtml), StringComparison.Ordinal);
    }
}
