namespace Gradscope.Lab.Sweeps;

/// <summary>
/// The reductions of a sweep's <c>summary</c> entries over one metric's records (ordered by step):
/// last, first, min, max, mean, and the first step (or flow time) at which the value is below a
/// threshold. NaN when the run recorded nothing usable (or never went below).
/// </summary>
public static class SummaryReduce
{
    public static double Apply(SummarySpec s, IReadOnlyList<(long Step, double Time, double Value)> records)
    {
        if (records.Count == 0)
        {
            return double.NaN;
        }
        var finite = records.Where(r => double.IsFinite(r.Value)).Select(r => r.Value).ToArray();
        return s.Reduce switch
        {
            "last" => records[^1].Value,
            "first" => records[0].Value,
            "min" => finite.Length > 0 ? finite.Min() : double.NaN,
            "max" => finite.Length > 0 ? finite.Max() : double.NaN,
            "mean" => finite.Length > 0 ? finite.Average() : double.NaN,
            "first_step_below" => records.Where(r => r.Value < s.Threshold).Select(r => (double)r.Step).DefaultIfEmpty(double.NaN).First(),
            "first_time_below" => records.Where(r => r.Value < s.Threshold).Select(r => r.Time).DefaultIfEmpty(double.NaN).First(),
            _ => throw new ArgumentException($"unknown reduction '{s.Reduce}'"),
        };
    }
}
