namespace Gradscope.Lab.Report;

/// <summary>Metrics of one run grouped by name, names in natural order (<c>mode/2</c> before <c>mode/10</c>).</summary>
internal sealed class MetricTable
{
    private readonly Dictionary<string, MetricSeries> _series;

    private MetricTable(Dictionary<string, MetricSeries> series)
    {
        _series = series;
        Names = series.Keys.OrderBy(n => n, NaturalComparer.Instance).ToArray();
    }

    /// <summary>Every metric name present, in natural order.</summary>
    public IReadOnlyList<string> Names { get; }

    public int PointCount => _series.Values.Sum(s => s.Count);

    public bool IsEmpty => _series.Count == 0;

    public static MetricTable From(IReadOnlyList<ReportMetric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var byName = new Dictionary<string, List<ReportMetric>>(StringComparer.Ordinal);
        foreach (ReportMetric m in metrics)
        {
            if (!byName.TryGetValue(m.Name, out List<ReportMetric>? list))
            {
                list = [];
                byName[m.Name] = list;
            }

            list.Add(m);
        }

        var series = new Dictionary<string, MetricSeries>(byName.Count, StringComparer.Ordinal);
        foreach ((string name, List<ReportMetric> list) in byName)
        {
            // Stable sort: records with the same step keep their insertion order.
            ReportMetric[] sorted = [.. list.OrderBy(m => m.Step).ThenBy(m => double.IsNaN(m.Time) ? double.PositiveInfinity : m.Time)];
            series[name] = new MetricSeries(
                name,
                Array.ConvertAll(sorted, m => m.Step),
                Array.ConvertAll(sorted, m => m.Time),
                Array.ConvertAll(sorted, m => m.Value));
        }

        return new MetricTable(series);
    }

    public bool Contains(string name) => _series.ContainsKey(name);

    public MetricSeries? Get(string name) => _series.GetValueOrDefault(name);

    /// <summary>Series whose name starts with <paramref name="prefix"/>, in natural order.</summary>
    public IEnumerable<MetricSeries> WithPrefix(string prefix) =>
        Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Select(n => _series[n]);
}
