using System.Numerics;
using Gradscope.Curvature;

namespace Gradscope.Probes.Curvature;

/// <summary>
/// <c>preconditioned-sharpness</c> for Adam, AdamW and RMSprop: λ_max(P⁻¹H) = λ_max(P^{-1/2} H P^{-1/2})
/// with P the optimiser's current diagonal preconditioner (<see cref="Preconditioner"/>), metric
/// <c>sharpness/preconditioned</c>, and its stability threshold (38/η for Adam at β₁ = 0.9)
/// as <c>sharpness/preconditioned/threshold</c> (Cohen et al. 2022). Nothing is recorded before the
/// first update, when the preconditioner does not exist yet.
/// </summary>
public sealed class PreconditionedSharpnessProbe<T>(CurvatureSettings settings) : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private double[]? _warm;

    public string Kind => "preconditioned-sharpness";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        if (ctx.Optimizer is null || ctx.OptimizerState is null)
        {
            return;
        }
        var p = Preconditioner.Find(ctx.Optimizer, ctx.OptimizerState, ctx.LearningRate);
        if (p is null)
        {
            return;
        }
        var op = new ScaledOperator(HessianAt.Create(ctx, settings), p.InverseSqrt);
        var r = Lanczos.Top(op, 1, HessianAt.Lanczos(settings, ctx.Step, _warm));
        _warm = r.Vectors[0];
        sink.Write(ctx.Step, ctx.Time, "sharpness/preconditioned", r.Values[0]);
        if (double.IsFinite(p.Threshold))
        {
            sink.Write(ctx.Step, ctx.Time, "sharpness/preconditioned/threshold", p.Threshold);
        }
    }
}
