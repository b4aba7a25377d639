using System.Globalization;
using System.Numerics;
using Gradscope.Curvature;

namespace Gradscope.Probes.Curvature;

/// <summary>
/// <c>sharpness</c>: the top Hessian eigenvalue λ_max of the training loss (metric <c>sharpness</c>),
/// by Lanczos with full reorthogonalisation, warm-started from the previous record's top
/// eigenvector (sharpness drifts slowly, so a few HVPs usually suffice). With <c>top: k</c> also
/// <c>hessian/eig/1..k</c> (descending); with <c>bottom: k</c> the most negative eigenvalues
/// <c>hessian/eig/min/1..k</c> (ascending); with <c>per_layer</c> the top eigenvalue of each
/// layer's diagonal block, <c>sharpness/layers.{i}</c>. The stability threshold of the optimiser
/// (2/η for GD; Cohen et al. 2021) is recorded beside it as <c>sharpness/threshold</c>, their ratio as
/// <c>sharpness/ratio</c> (≥ 1: at or past the edge of stability; what a phase diagram colours), and
/// the HVPs spent as <c>sharpness/hvps</c>.
/// </summary>
public sealed class SharpnessProbe<T>(CurvatureSettings settings, int? top = null, int? bottom = null, bool perLayer = false,
    Func<double, double?>? threshold = null) : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private double[]? _warm;

    public string Kind => "sharpness";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        var op = HessianAt.Create(ctx, settings);
        var r = Lanczos.Top(op, Math.Min(top ?? 1, op.Dimension), HessianAt.Lanczos(settings, ctx.Step, _warm));
        _warm = r.Vectors[0];
        sink.Write(ctx.Step, ctx.Time, "sharpness", r.Values[0]);
        if (top is not null)
        {
            for (int i = 0; i < r.Values.Length; i++)
            {
                sink.Write(ctx.Step, ctx.Time, "hessian/eig/" + (i + 1).ToString(CultureInfo.InvariantCulture), r.Values[i]);
            }
        }
        if (bottom is int b)
        {
            var low = Lanczos.Bottom(op, Math.Min(b, op.Dimension), HessianAt.Lanczos(settings with { Key = settings.Key.Fold(1) }, ctx.Step, null));
            for (int i = 0; i < low.Values.Length; i++)
            {
                sink.Write(ctx.Step, ctx.Time, "hessian/eig/min/" + (i + 1).ToString(CultureInfo.InvariantCulture), low.Values[i]);
            }
        }
        if (perLayer)
        {
            foreach (var (name, indices) in Layers(ctx))
            {
                var block = op.ForBlock(indices); // the same cut data, no second copy
                var lb = Lanczos.Top(block, 1, HessianAt.Lanczos(settings, ctx.Step, null));
                sink.Write(ctx.Step, ctx.Time, "sharpness/" + name, lb.Values[0]);
            }
        }
        if (threshold?.Invoke(ctx.LearningRate) is double t)
        {
            sink.Write(ctx.Step, ctx.Time, "sharpness/threshold", t);
            sink.Write(ctx.Step, ctx.Time, "sharpness/ratio", r.Values[0] / t);
        }
        sink.Write(ctx.Step, ctx.Time, "sharpness/hvps", op.Applications);
    }

    /// <summary>Parameter tensors grouped by linear layer: ("layers.0", [0, 1]), ...</summary>
    internal static IEnumerable<(string Name, int[] Indices)> Layers(ProbeContext<T> ctx) =>
        ctx.Model.Parameters.Select((p, i) => (p.Layer, i))
            .GroupBy(x => x.Layer)
            .OrderBy(g => g.Key)
            .Select(g => ("layers." + g.Key.ToString(CultureInfo.InvariantCulture), g.Select(x => x.i).ToArray()));
}
