namespace Gradscope.Probes.Curvature;

/// <summary>How closely a run's sharpness sat at its stability threshold once it got there.</summary>
/// <param name="FirstStep">The first record at which sharpness ≥ threshold.</param>
/// <param name="MedianRatio">Median of sharpness/threshold over that record and every later one (1 = exactly at the edge).</param>
/// <param name="Records">How many records the median is over.</param>
public sealed record EdgeOfStabilitySummary(long FirstStep, double MedianRatio, int Records);

/// <summary>
/// The edge-of-stability statistic of Cohen et al. (2021): after sharpness first reaches 2/η
/// (or the optimiser's threshold), does it stay there? Computed per record as the ratio
/// sharpness/threshold, so a learning-rate schedule is handled.
/// </summary>
public static class EdgeOfStability
{
    /// <summary>Null when sharpness never reached the threshold (or there is nothing to compare).</summary>
    public static EdgeOfStabilitySummary? Summarise(IReadOnlyList<(long Step, double Sharpness, double Threshold)> records)
    {
        var ordered = records.Where(r => double.IsFinite(r.Sharpness) && double.IsFinite(r.Threshold) && r.Threshold > 0)
            .OrderBy(r => r.Step).ToList();
        int first = ordered.FindIndex(r => r.Sharpness >= r.Threshold);
        if (first < 0)
        {
            return null;
        }
        var ratios = ordered.Skip(first).Select(r => r.Sharpness / r.Threshold).Order().ToArray();
        int n = ratios.Length;
        double median = n % 2 == 1 ? ratios[n / 2] : 0.5 * (ratios[n / 2 - 1] + ratios[n / 2]);
        return new EdgeOfStabilitySummary(ordered[first].Step, median, n);
    }

    /// <summary>Pairs the records of <paramref name="sharpness"/> with those of <paramref name="threshold"/> at the same step.</summary>
    public static EdgeOfStabilitySummary? Summarise(IEnumerable<(long Step, double Value)> sharpness, IEnumerable<(long Step, double Value)> threshold)
    {
        var t = new Dictionary<long, double>();
        foreach (var (step, value) in threshold)
        {
            t[step] = value;
        }
        return Summarise([.. sharpness.Where(s => t.ContainsKey(s.Step)).Select(s => (s.Step, s.Value, t[s.Step]))]);
    }
}
