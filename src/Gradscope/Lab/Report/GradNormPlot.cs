namespace Gradscope.Lab.Report;

/// <summary>Figure 2: global gradient norm (thick, dark) over the per-parameter norms (thin, coloured).</summary>
internal static class GradNormPlot
{
    public const string Key = "grad_norm";

    public static ChartSpec? Build(MetricTable table, XAxisChoice axes)
    {
        MetricSeries? global = table.Get(MetricNames.GradNorm);
        List<MetricSeries> perParam = [.. table.WithPrefix(MetricNames.GradNormPrefix)];
        if (global is null && perParam.Count == 0)
        {
            return null;
        }

        XAxisKind x = axes.Pick(preferTime: false, global is null ? perParam : [global, .. perParam]);
        var spec = new ChartSpec
        {
            Key = Key,
            Title = "Gradient norm",
            XLabel = XAxisChoice.Label(x),
            YLabel = "‖∇L‖",
            Caption = "Global gradient norm (dark) and per-parameter gradient norms (thin).",
        };

        for (int i = 0; i < perParam.Count; i++)
        {
            string label = MetricNames.MemberLabel(perParam[i].Name, MetricNames.GradNorm);
            spec.Lines.Add(new ChartLine(label, Curve.From(perParam[i], x), Palette.At(i), Strokes.Nested(i, widest: 3.5f, step: 0.9f, narrowest: 1.2f), Opacity: 0.85));
        }

        // Drawn last, so the global norm stays visible on top of the per-layer lines.
        if (global is not null)
        {
            spec.Lines.Add(new ChartLine("global", Curve.From(global, x), Palette.Aggregate, Width: 2.6f));
        }

        return spec;
    }
}
