using System.Numerics;

namespace Gradscope.Probes;

/// <summary>A measurement taken during training on a schedule; writes named metrics (DESIGN §3.2 names).</summary>
public interface IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The spec kind (e.g. "loss", "mode-strengths").</summary>
    string Kind { get; }

    void Record(ProbeContext<T> ctx, IMetricSink sink);
}
