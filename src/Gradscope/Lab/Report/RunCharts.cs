namespace Gradscope.Lab.Report;

/// <summary>The figures of a single-run report, in page order; plots whose metrics are absent are skipped.</summary>
internal static class RunCharts
{
    public static List<ChartSpec> Build(MetricTable table, XAxisChoice axes, List<string> notes)
    {
        var candidates = new List<ChartSpec?>
        {
            LossPlot.Build(table, axes),
            ModeStrengthPlot.Build(table, axes),
            GradNormPlot.Build(table, axes),
            SharpnessPlot.Build(table, axes),
            SingularValuePlot.Build(table, axes),
            BalancednessPlot.Build(table, axes),
        };
        candidates.AddRange(FamilyPlots.Build(table, axes));

        var charts = new List<ChartSpec>();
        foreach (ChartSpec? spec in candidates)
        {
            if (spec is null)
            {
                continue;
            }

            if (!spec.HasData)
            {
                notes.Add($"Not plotted: {spec.Title} (no finite values were recorded).");
                continue;
            }

            charts.Add(spec);
        }

        return charts;
    }
}
