namespace Gradscope.Lab.Report;

/// <summary>
/// Figure 5, the fallback: every metric no dedicated plot draws gets a small plot per family (first name
/// segment: <c>accuracy/train</c> + <c>accuracy/test</c>, <c>hessian/eig/1..k</c> + <c>hessian/trace</c>, or a
/// lone <c>param_norm</c>), so a probe added by a later issue shows up without touching the report.
/// </summary>
internal static class FamilyPlots
{
    /// <summary>Lines per fallback plot; beyond this a plot becomes unreadable and the title says how many are shown.</summary>
    public const int MaxLines = 12;

    public const string KeyPrefix = "metric_";

    public static IEnumerable<ChartSpec> Build(MetricTable table, XAxisChoice axes)
    {
        var families = new List<(string Family, List<MetricSeries> Series)>();
        foreach (string name in table.Names)
        {
            if (MetricNames.HasDedicatedPlot(name))
            {
                continue;
            }

            string family = MetricNames.Family(name);
            int at = families.FindIndex(f => f.Family == family);
            if (at < 0)
            {
                families.Add((family, []));
                at = families.Count - 1;
            }

            families[at].Series.Add(table.Get(name)!);
        }

        var usedKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string family, List<MetricSeries> all) in families)
        {
            List<MetricSeries> shown = [.. all.Take(MaxLines)];
            XAxisKind x = axes.Pick(preferTime: false, shown);
            string title = all.Count == 1 ? all[0].Name
                : shown.Count < all.Count ? $"{family} ({shown.Count} of {all.Count} shown)"
                : family;
            var spec = new ChartSpec
            {
                Key = UniqueKey(KeyPrefix + MetricNames.Slug(family), usedKeys),
                Title = title,
                XLabel = XAxisChoice.Label(x),
                YLabel = all.Count == 1 ? all[0].Name : family,
                Width = ChartSpec.SmallWidth,
                Height = ChartSpec.SmallHeight,
            };

            for (int i = 0; i < shown.Count; i++)
            {
                // A lone metric is named by the title and axis; a legend would only repeat it.
                string? legend = all.Count == 1 ? null : MetricNames.MemberLabel(shown[i].Name, family);
                spec.Lines.Add(new ChartLine(legend, Curve.From(shown[i], x), Palette.At(i), Width: 2f));
            }

            yield return spec;
        }
    }

    // Two families can slug to the same stem (e.g. "a.b" and "a_b"); keep file names distinct.
    internal static string UniqueKey(string key, HashSet<string> used)
    {
        string candidate = key;
        for (int n = 2; !used.Add(candidate); n++)
        {
            candidate = $"{key}_{n}";
        }

        return candidate;
    }
}
