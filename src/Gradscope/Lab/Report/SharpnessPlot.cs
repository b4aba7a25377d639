namespace Gradscope.Lab.Report;

/// <summary>
/// Sharpness against the optimiser's stability threshold (Cohen et al. 2021, 2022): the top Hessian
/// eigenvalue <c>sharpness</c> solid, its limit <c>sharpness/threshold</c> (2/η for GD) dashed in the
/// same colour; the preconditioned sharpness of adaptive methods <c>sharpness/preconditioned</c> with its
/// threshold (38/η for Adam) likewise. At the edge of stability the solid curve rises (progressive
/// sharpening) until it meets the dashes and then hovers there.
/// </summary>
internal static class SharpnessPlot
{
    public const string Key = "sharpness";

    public const string Sharpness = "sharpness";
    public const string Threshold = "sharpness/threshold";
    public const string Preconditioned = "sharpness/preconditioned";
    public const string PreconditionedThreshold = "sharpness/preconditioned/threshold";
    public const string LayerPrefix = "sharpness/layers.";

    private static readonly string[] Pairs = [Sharpness, Threshold, Preconditioned, PreconditionedThreshold];

    public const string Caption =
        "Solid: top Hessian eigenvalue (sharpness; preconditioned λ_max(P⁻¹H) for adaptive methods); dashed: the optimiser's stability threshold (2/η for GD, 38/η for Adam with β₁ = 0.9).";

    /// <summary>True for the names this plot draws (kept out of the fallback and overlay families).</summary>
    public static bool Draws(string name) => Pairs.Contains(name) || name == Ratio || name.StartsWith(LayerPrefix, StringComparison.Ordinal);

    /// <summary>sharpness ÷ threshold: what the solid and dashed curves already show, so it gets no plot of its own.</summary>
    public const string Ratio = "sharpness/ratio";

    public static ChartSpec? Build(MetricTable table, XAxisChoice axes)
    {
        var present = table.Names.Where(Draws).Select(n => table.Get(n)!).ToList();
        if (present.Count == 0)
        {
            return null;
        }
        XAxisKind x = axes.Pick(preferTime: false, present);
        var spec = New(Key, x);
        AddPair(spec, table, Sharpness, Threshold, "sharpness", Palette.At(0), x);
        AddPair(spec, table, Preconditioned, PreconditionedThreshold, "preconditioned", Palette.At(1), x);
        int i = 2;
        foreach (var layer in table.WithPrefix(LayerPrefix))
        {
            spec.Lines.Add(new ChartLine(layer.Name[(Sharpness.Length + 1)..], Curve.From(layer, x), Palette.At(i++), Width: 1.2f, Opacity: 0.8));
        }
        return spec;
    }

    /// <summary>One figure per quantity (plain, preconditioned) with every run's curve and its threshold in the run's colour.</summary>
    public static IEnumerable<ChartSpec> Compare(IReadOnlyList<(string Label, MetricTable Table)> runs, XAxisKind x)
    {
        foreach (var (value, threshold, title) in new[] { (Sharpness, Threshold, "Sharpness vs stability threshold"), (Preconditioned, PreconditionedThreshold, "Preconditioned sharpness vs threshold") })
        {
            var spec = new ChartSpec
            {
                Key = ComparisonCharts.KeyPrefix + MetricNames.Slug(value),
                Title = title,
                XLabel = XAxisChoice.Label(x),
                YLabel = value == Sharpness ? "λ_max(H)" : "λ_max(P⁻¹H)",
                Caption = Caption,
            };
            for (int r = 0; r < runs.Count; r++)
            {
                AddPair(spec, runs[r].Table, value, threshold, runs[r].Label, Palette.At(r), x);
            }
            if (spec.HasData)
            {
                yield return spec;
            }
        }
    }

    private static ChartSpec New(string key, XAxisKind x) => new()
    {
        Key = key,
        Title = "Sharpness vs stability threshold",
        XLabel = XAxisChoice.Label(x),
        YLabel = "top Hessian eigenvalue",
        Caption = Caption,
    };

    private static void AddPair(ChartSpec spec, MetricTable table, string value, string threshold, string label, ScottPlot.Color color, XAxisKind x)
    {
        if (table.Get(value) is { } v)
        {
            spec.Lines.Add(new ChartLine(label, Curve.From(v, x), color, Width: 2.2f));
        }
        if (table.Get(threshold) is { } t)
        {
            spec.Lines.Add(new ChartLine(table.Contains(value) ? null : label + " threshold", Curve.From(t, x), color, Width: 1.6f, Dashed: true));
            if (!spec.ExtraLegend.Any(e => e.Dashed))
            {
                spec.ExtraLegend.Add(new LegendEntry("dashed: stability threshold", Palette.Theory, 1.6f, Dashed: true));
            }
        }
    }
}
