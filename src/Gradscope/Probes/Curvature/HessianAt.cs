using System.Numerics;
using Gradscope.Curvature;
using Gradscope.Tensors;

namespace Gradscope.Probes.Curvature;

/// <summary>
/// The Hessian operator at a probe's record point: the mean training loss (or its first
/// <see cref="CurvatureSettings.Samples"/> samples) at θ_k, applied in chunks.
/// </summary>
internal static class HessianAt
{
    public static HessianOperator<T> Create<T>(ProbeContext<T> ctx, CurvatureSettings s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (x, y) = (ctx.Data.Train.X, ctx.Data.Train.Y);
        if (s.Samples is int m && m < x.Shape[0])
        {
            x = Tensor.Slice(x, 0, 0, m);
            y = Tensor.Slice(y, 0, 0, m);
        }
        return new HessianOperator<T>(ctx.Model, ctx.Loss, x.Detach(), y.Detach(), ctx.Params, s.ChunkSize);
    }

    /// <summary>Lanczos options for record <paramref name="step"/>: a warm start when there is one, else a seeded random start.</summary>
    public static LanczosOptions Lanczos(CurvatureSettings s, long step, double[]? warm) => new()
    {
        Tolerance = s.Tolerance,
        MaxIterations = s.MaxIterations,
        Start = warm,
        Seed = s.Key.Fold((ulong)step).Value,
    };
}
