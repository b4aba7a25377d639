namespace Gradscope.Probes;

/// <summary>Where probes write named scalar metrics (the run store adapts to this; tests collect in memory).</summary>
public interface IMetricSink
{
    void Write(long step, double time, string name, double value);
}

/// <summary>An in-memory sink (tests, summaries, the report of a run that is not stored).</summary>
public sealed class MemorySink : IMetricSink
{
    public List<(long Step, double Time, string Name, double Value)> Rows { get; } = [];

    public void Write(long step, double time, string name, double value) => Rows.Add((step, time, name, value));

    public double[] Values(string name) => Rows.Where(r => r.Name == name).Select(r => r.Value).ToArray();

    public double[] Times(string name) => Rows.Where(r => r.Name == name).Select(r => r.Time).ToArray();

    public long[] Steps(string name) => Rows.Where(r => r.Name == name).Select(r => r.Step).ToArray();
}
