namespace Gradscope.Lab.Report;

/// <summary>
/// Figure 4, the headline of the Saxe gallery: measured mode strengths <c>mode/k</c> (u_k = u_kᵀ W v_k, solid,
/// wide and translucent) with the closed-form prediction <c>theory/mode/k</c> dashed on top in the same colour,
/// against gradient-flow time. Saxe, McClelland &amp; Ganguli (2014), eq. 6: each mode follows a sigmoid
/// u(t) = s e^{2st} / (e^{2st} − 1 + s/u0), so modes are learned in stages, largest singular value first.
/// Where theory and measurement agree, the dashes sit in the middle of the solid band.
/// </summary>
internal static class ModeStrengthPlot
{
    public const string Key = "modes";

    public const string Caption =
        "Solid: measured mode strengths u_k = u_kᵀ W v_k; dashed: closed-form prediction (Saxe et al. 2014), same colour per mode.";

    public static ChartSpec? Build(MetricTable table, XAxisChoice axes)
    {
        SortedDictionary<int, (MetricSeries? Measured, MetricSeries? Theory)> modes = Collect(table);
        if (modes.Count == 0)
        {
            return null;
        }

        XAxisKind x = axes.Pick(preferTime: true, modes.Values.SelectMany(m => new[] { m.Measured, m.Theory }).OfType<MetricSeries>());
        var spec = new ChartSpec
        {
            Key = Key,
            Title = "Mode strengths vs theory",
            XLabel = XAxisChoice.Label(x),
            YLabel = "mode strength u_k",
            Caption = Caption,
            AllowLogY = false, // the sigmoidal stages are the point; Saxe et al. plot them on a linear axis
        };

        bool anyTheory = false;
        foreach ((int k, (MetricSeries? measured, MetricSeries? _)) in modes)
        {
            if (measured is not null)
            {
                spec.Lines.Add(Measured($"mode {k}", Curve.From(measured, x), Palette.At(k - 1)));
            }
        }

        // Theory after every measured line, so no solid band hides a dashed curve.
        foreach ((int k, (MetricSeries? measured, MetricSeries? theory)) in modes)
        {
            if (theory is not null)
            {
                anyTheory = true;
                spec.Lines.Add(Theory(measured is null ? $"theory {k}" : null, Curve.From(theory, x), Palette.At(k - 1)));
            }
        }

        if (anyTheory && modes.Values.Any(m => m.Measured is not null))
        {
            spec.ExtraLegend.Add(TheoryLegend);
        }

        return spec;
    }

    /// <summary>Measured curve style: wide translucent band, so the theory dashes stay visible on top of it.</summary>
    public static ChartLine Measured(string? legend, Curve curve, ScottPlot.Color colour) =>
        new(legend, curve, colour, Width: 4.5f, Opacity: 0.45);

    /// <summary>Theory curve style: thinner, opaque, dashed, same colour as its measured mode.</summary>
    public static ChartLine Theory(string? legend, Curve curve, ScottPlot.Color colour) =>
        new(legend, curve, colour, Width: 2f, Dashed: true);

    public static readonly LegendEntry TheoryLegend = new("theory (dashed)", Palette.Theory, 2f, Dashed: true);

    /// <summary>Mode index -> (measured, theory) series, over the union of both name families.</summary>
    public static SortedDictionary<int, (MetricSeries? Measured, MetricSeries? Theory)> Collect(MetricTable table)
    {
        var modes = new SortedDictionary<int, (MetricSeries? Measured, MetricSeries? Theory)>();
        foreach (MetricSeries s in table.WithPrefix(MetricNames.ModePrefix))
        {
            if (MetricNames.TryIndex(s.Name, MetricNames.ModePrefix, out int k))
            {
                modes[k] = (s, modes.GetValueOrDefault(k).Theory);
            }
        }

        foreach (MetricSeries s in table.WithPrefix(MetricNames.TheoryModePrefix))
        {
            if (MetricNames.TryIndex(s.Name, MetricNames.TheoryModePrefix, out int k))
            {
                modes[k] = (modes.GetValueOrDefault(k).Measured, s);
            }
        }

        return modes;
    }
}
