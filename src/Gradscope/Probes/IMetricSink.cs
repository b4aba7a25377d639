namespace Gradscope.Probes;

/// <summary>
/// Where probes write named metrics (the run store adapts to this; tests collect in memory):
/// scalars, and small vectors for records that are a curve rather than a number (a Hessian
/// spectral density on its grid).
/// </summary>
public interface IMetricSink
{
    void Write(long step, double time, string name, double value);

    /// <summary>A small vector-valued record (stored in the store's <c>metric_vectors</c> table).</summary>
    void WriteVector(long step, double time, string name, ReadOnlySpan<double> values);
}

/// <summary>An in-memory sink (tests, summaries, the report of a run that is not stored).</summary>
public sealed class MemorySink : IMetricSink
{
    public List<(long Step, double Time, string Name, double Value)> Rows { get; } = [];

    public List<(long Step, double Time, string Name, double[] Values)> Vectors { get; } = [];

    public void Write(long step, double time, string name, double value) => Rows.Add((step, time, name, value));

    public void WriteVector(long step, double time, string name, ReadOnlySpan<double> values) => Vectors.Add((step, time, name, values.ToArray()));

    public double[] Values(string name) => Rows.Where(r => r.Name == name).Select(r => r.Value).ToArray();

    public double[] Times(string name) => Rows.Where(r => r.Name == name).Select(r => r.Time).ToArray();

    public long[] Steps(string name) => Rows.Where(r => r.Name == name).Select(r => r.Step).ToArray();
}
