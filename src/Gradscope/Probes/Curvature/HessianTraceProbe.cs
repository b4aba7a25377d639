using System.Numerics;
using Gradscope.Curvature;

namespace Gradscope.Probes.Curvature;

/// <summary>
/// <c>hessian-trace</c>: tr(H) by Hutchinson's estimator with Rademacher probes (Hutchinson 1989;
/// as in PyHessian, Yao et al. 2020), metrics <c>hessian/trace</c> and its standard error
/// <c>hessian/trace_stderr</c> — an error bar, which PyHessian does not report.
/// </summary>
public sealed class HessianTraceProbe<T>(CurvatureSettings settings, int probes) : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const int DefaultProbes = 100;

    public string Kind => "hessian-trace";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        var op = HessianAt.Create(ctx, settings);
        var e = HutchinsonTrace.Estimate(op, probes, settings.Key.Fold((ulong)ctx.Step));
        sink.Write(ctx.Step, ctx.Time, "hessian/trace", e.Trace);
        sink.Write(ctx.Step, ctx.Time, "hessian/trace_stderr", e.StdErr);
    }
}
