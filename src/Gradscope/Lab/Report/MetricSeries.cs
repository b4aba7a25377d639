namespace Gradscope.Lab.Report;

/// <summary>All records of one metric name, ordered by step then time (the order training produced them).</summary>
internal sealed class MetricSeries
{
    public MetricSeries(string name, long[] steps, double[] times, double[] values)
    {
        if (steps.Length != times.Length || steps.Length != values.Length)
        {
            throw new ArgumentException("steps, times and values must have the same length");
        }

        Name = name;
        Steps = steps;
        Times = times;
        Values = values;
    }

    public string Name { get; }

    public long[] Steps { get; }

    public double[] Times { get; }

    public double[] Values { get; }

    public int Count => Values.Length;

    /// <summary>The abscissae for <paramref name="axis"/>, as doubles.</summary>
    public double[] X(XAxisKind axis) => axis == XAxisKind.Time ? Times : Array.ConvertAll(Steps, s => (double)s);

    /// <summary>Whether the time column carries information (finite and not constant).</summary>
    public bool HasUsableTime()
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double t in Times)
        {
            if (!double.IsFinite(t))
            {
                continue;
            }

            lo = Math.Min(lo, t);
            hi = Math.Max(hi, t);
        }

        return hi > lo;
    }
}
