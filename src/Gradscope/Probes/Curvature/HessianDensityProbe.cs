using System.Numerics;
using Gradscope.Curvature;

namespace Gradscope.Probes.Curvature;

/// <summary>
/// <c>hessian-density</c>: the eigenvalue density of H by stochastic Lanczos quadrature
/// (Ubaru, Chen &amp; Saad 2017; Ghorbani, Krishnan &amp; Xiao 2019), stored per record as two small
/// vectors: <c>hessian/density/grid</c> (eigenvalue axis) and <c>hessian/density</c> (the
/// Gaussian-broadened density on it, integrating to 1). The grid spans the Ritz values found at
/// that record, so densities of different records are each on their own axis.
/// Scalars <c>hessian/density/min</c> and <c>hessian/density/max</c> give the extreme Ritz values.
/// </summary>
public sealed class HessianDensityProbe<T>(CurvatureSettings settings, int probes, int steps, int points, double? sigma)
    : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const int DefaultProbes = 5;

    public const int DefaultSteps = 40;

    public const int DefaultPoints = 200;

    public string Kind => "hessian-density";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        var op = HessianAt.Create(ctx, settings);
        var d = StochasticLanczosQuadrature.Estimate(op, probes, Math.Min(steps, op.Dimension), settings.Key.Fold((ulong)ctx.Step));
        var (lo, hi) = d.NodeRange();
        var (grid, density) = d.Broadened(points, sigma);
        sink.WriteVector(ctx.Step, ctx.Time, "hessian/density/grid", grid);
        sink.WriteVector(ctx.Step, ctx.Time, "hessian/density", density);
        sink.Write(ctx.Step, ctx.Time, "hessian/density/min", lo);
        sink.Write(ctx.Step, ctx.Time, "hessian/density/max", hi);
    }
}
