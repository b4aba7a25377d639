namespace Gradscope.Lab.Report;

/// <summary>
/// Figure 3: top-k singular values of each weight matrix (<c>sv/&lt;param&gt;/&lt;k&gt;</c>), one colour per layer,
/// the largest singular value drawn thicker. In a deep linear net these rise one by one in sigmoidal stages
/// (Saxe et al. 2014), largest teacher singular value first.
/// </summary>
internal static class SingularValuePlot
{
    public const string Key = "singular_values";

    public static ChartSpec? Build(MetricTable table, XAxisChoice axes)
    {
        var byParam = new Dictionary<string, List<(int K, MetricSeries Series)>>(StringComparer.Ordinal);
        foreach (MetricSeries s in table.WithPrefix(MetricNames.SingularValuePrefix))
        {
            if (MetricNames.TrySingularValue(s.Name, out string param, out int k))
            {
                if (!byParam.TryGetValue(param, out var list))
                {
                    list = [];
                    byParam[param] = list;
                }

                list.Add((k, s));
            }
        }

        if (byParam.Count == 0)
        {
            return null;
        }

        XAxisKind x = axes.Pick(preferTime: false, byParam.Values.SelectMany(l => l.Select(e => e.Series)));
        var spec = new ChartSpec
        {
            Key = Key,
            Title = "Singular values per weight matrix",
            XLabel = XAxisChoice.Label(x),
            YLabel = "singular value σ_k",
            Caption = "Top-k singular values of each weight matrix; one colour per layer, each layer narrower than the one before "
                + "so equal spectra (balanced layers) show as nested stripes.",
        };

        int layer = 0;
        foreach (string param in byParam.Keys.OrderBy(p => p, NaturalComparer.Instance))
        {
            List<(int K, MetricSeries Series)> ks = [.. byParam[param].OrderBy(e => e.K)];
            for (int i = 0; i < ks.Count; i++)
            {
                // One legend row per layer (on its largest singular value), not one per (layer, k).
                string? legend = i == 0 ? $"{param} (σ_{ks[0].K}..σ_{ks[^1].K})" : null;
                float width = Strokes.Nested(layer, widest: 4.5f, step: 1.2f, narrowest: 1.5f) * (i == 0 ? 1f : 0.6f);
                spec.Lines.Add(new ChartLine(legend, Curve.From(ks[i].Series, x), Palette.At(layer), width, Opacity: i == 0 ? 1.0 : 0.8));
            }

            layer++;
        }

        return spec;
    }
}
