using System.Numerics;
using Gradscope.Curvature;

namespace Gradscope.Probes.Curvature;

/// <summary>
/// <c>gradient-subspace</c>: how much of the gradient lies in the top-k Hessian eigenspace,
/// f_top = ‖P_k g‖² / ‖g‖² (Gur-Ari, Roberts &amp; Dyer 2018, "Gradient descent happens in a tiny
/// subspace"; they take k = the number of classes), metric <c>subspace/overlap</c>. A random
/// k-dimensional subspace would hold k/P of it on average (<c>subspace/random</c>, recorded beside
/// it for reference). The eigenspace is warm-started from the previous record's.
/// </summary>
public sealed class GradientSubspaceProbe<T>(CurvatureSettings settings, int? k) : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private double[]? _warm;

    public string Kind => "gradient-subspace";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        var op = HessianAt.Create(ctx, settings);
        int kk = Math.Min(k ?? ctx.Model.OutputSize, op.Dimension);
        var r = Lanczos.Top(op, kk, HessianAt.Lanczos(settings, ctx.Step, _warm));
        _warm = r.Vectors[0];
        var (_, g) = op.LossAndGradient();
        double gg = Dot(g, g);
        double inside = 0;
        foreach (var v in r.Vectors)
        {
            double c = Dot(v, g);
            inside += c * c;
        }
        sink.Write(ctx.Step, ctx.Time, "subspace/overlap", gg > 0 ? inside / gg : double.NaN);
        sink.Write(ctx.Step, ctx.Time, "subspace/random", (double)kk / op.Dimension);
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
}
