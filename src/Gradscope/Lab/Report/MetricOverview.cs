using System.Globalization;

namespace Gradscope.Lab.Report;

/// <summary>One row per metric name for the page's metrics table, and where a run left the finite world.</summary>
internal static class MetricOverview
{
    public static readonly string[] Header = ["metric", "records", "non-finite", "first step", "last step", "last finite value"];

    public static IEnumerable<IReadOnlyList<string>> Rows(MetricTable table)
    {
        foreach (string name in table.Names)
        {
            MetricSeries s = table.Get(name)!;
            int bad = s.Values.Count(v => !double.IsFinite(v));
            int last = Array.FindLastIndex(s.Values, double.IsFinite);
            yield return
            [
                name,
                s.Count.ToString(CultureInfo.InvariantCulture),
                bad.ToString(CultureInfo.InvariantCulture),
                s.Steps[0].ToString(CultureInfo.InvariantCulture),
                s.Steps[^1].ToString(CultureInfo.InvariantCulture),
                last >= 0 ? HtmlWriter.Number(s.Values[last]) : "–",
            ];
        }
    }

    /// <summary>The earliest step at which any metric was NaN or ±Inf, or null if all are finite.</summary>
    public static long? FirstNonFiniteStep(MetricTable table)
    {
        long? first = null;
        foreach (string name in table.Names)
        {
            MetricSeries s = table.Get(name)!;
            int i = Array.FindIndex(s.Values, v => !double.IsFinite(v));
            if (i >= 0)
            {
                first = first is { } f ? Math.Min(f, s.Steps[i]) : s.Steps[i];
            }
        }

        return first;
    }
}
