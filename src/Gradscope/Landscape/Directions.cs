using System.Numerics;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Landscape;

/// <summary>
/// Directions δ in parameter space for slices L(θ + αδ + βη) of a loss landscape. Every direction is a
/// ParamSet with θ's names and shapes, allocated outside any <see cref="TensorArena"/> scope (it is
/// kept by the caller), and every random one is a pure function of its <see cref="RngKey"/>.
/// </summary>
/// <remarks>
/// Why normalise: ReLU networks are invariant to rescaling one layer by c and the next by 1/c, so a raw
/// Gaussian direction of fixed size perturbs a small-weight layer relatively more than a large-weight
/// one, and slices of equivalent networks look different. Li, Xu, Taylor, Studer &amp; Goldstein (2018),
/// "Visualizing the Loss Landscape of Neural Nets", NeurIPS, §4, rescale each filter of the direction
/// to the norm of the corresponding filter of θ, which removes that scale dependence: with the same key,
/// the direction of the rescaled network is the rescaled direction, and the slice is identical.
/// </remarks>
public static partial class Directions
{
    /// <summary>
    /// Gaussian N(0, 1) entries with <paramref name="like"/>'s names and shapes: one draw of length
    /// P = like.Size under <paramref name="key"/>, cut into the tensors in order (element i of the flat
    /// vector depends only on (key, i), so float32 directions are the float64 ones rounded).
    /// </summary>
    public static ParamSet<T> Random<T>(ParamSet<T> like, RngKey key) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(like);
        var g = Gaussian(like, key);
        var ts = new Tensor<T>[like.Count];
        for (int p = 0; p < ts.Length; p++)
        {
            ts[p] = Round<T>(g[p], like[p].Shape);
        }
        return new ParamSet<T>(like.Names, ts);
    }

    /// <summary>
    /// Li et al. (2018), §4, filter normalisation: the Gaussian direction of <see cref="Random{T}"/> (same
    /// key) with each filter rescaled to the norm of the same filter of θ, d_f ← d_f·‖θ_f‖/‖d_f‖. A
    /// filter is a row of a weight [out, in] (one output unit), and for a weight of higher rank
    /// [out, ...] everything with the same first index (a conv output filter). A zero filter of θ gets
    /// a zero direction.
    /// </summary>
    /// <param name="keepBias">
    /// False (default, as the paper and its code's <c>ignore='biasbn'</c>): biases and every other 1-D
    /// parameter get a zero direction, so the slice moves the weights only. True: the 1-D parameter's
    /// whole vector is treated as ONE filter, i.e. rescaled to ‖θ_bias‖. We chose that over rescaling
    /// each entry to |θ_j| (which would make the direction ±|θ_j|, a sign pattern rather than a random
    /// direction) and over the reference code's d = θ_bias (not random at all); like both, it scales with
    /// the bias, so the rescaling invariance above still holds when a layer's weight and bias are scaled together.
    /// </param>
    public static ParamSet<T> FilterNormalized<T>(Model model, ParamSet<T> theta, RngKey key, bool keepBias = false)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Normalized(model, theta, key, keepBias, perFilter: true);

    /// <summary>
    /// Layer normalisation: the Gaussian direction of <see cref="Random{T}"/> (same key) with each
    /// parameter tensor rescaled to the norm of θ's same tensor, d_p ← d_p·‖θ_p‖/‖d_p‖ (coarser than
    /// <see cref="FilterNormalized{T}"/>; invariant to rescaling whole layers, not single units).
    /// Biases and other 1-D parameters as in <see cref="FilterNormalized{T}"/>: zero unless
    /// <paramref name="keepBias"/>, then rescaled to ‖θ_bias‖.
    /// </summary>
    public static ParamSet<T> LayerNormalized<T>(Model model, ParamSet<T> theta, RngKey key, bool keepBias = false)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Normalized(model, theta, key, keepBias, perFilter: false);

    /// <summary>A random direction of the given kind (Random, FilterNormalized or LayerNormalized) for key.</summary>
    public static ParamSet<T> Create<T>(DirectionKind kind, Model model, ParamSet<T> theta, RngKey key, bool keepBias = false)
        where T : unmanaged, IFloatingPointIeee754<T> => kind switch
    {
        DirectionKind.Random => Random(theta, key),
        DirectionKind.FilterNormalized => FilterNormalized(model, theta, key, keepBias),
        DirectionKind.LayerNormalized => LayerNormalized(model, theta, key, keepBias),
        _ => throw new ArgumentException($"direction kind {kind} is not a random direction drawn from a key (use Directions.HessianEigen or Directions.Pca)", nameof(kind)),
    };

    private static ParamSet<T> Normalized<T>(Model model, ParamSet<T> theta, RngKey key, bool keepBias, bool perFilter)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ParamMath.CheckMatches(model, theta, nameof(theta));
        var g = Gaussian(theta, key);
        var ts = new Tensor<T>[theta.Count];
        for (int p = 0; p < ts.Length; p++)
        {
            var shape = theta[p].Shape;
            bool vector = model.Parameters[p].IsBias || shape.Length <= 1;
            if (vector && !keepBias)
            {
                ts[p] = Tensor.Zeros<T>(shape);
                continue;
            }
            // A 1-D parameter (kept) is one filter; a weight has Shape[0] filters, or one with layer normalisation.
            int filters = vector || !perFilter ? 1 : shape[0];
            RescaleFilters(g[p], theta[p].Span, filters);
            ts[p] = Round<T>(g[p], shape);
        }
        return new ParamSet<T>(theta.Names, ts);
    }

    /// <summary>d_f ← d_f·‖θ_f‖/‖d_f‖ for each of the equal consecutive slices f, in double.</summary>
    private static void RescaleFilters<T>(double[] d, ReadOnlySpan<T> theta, int filters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int len = filters == 0 ? 0 : d.Length / filters;
        for (int f = 0; f < filters; f++)
        {
            var df = d.AsSpan(f * len, len);
            double target = ParamMath.Norm(theta.Slice(f * len, len));
            double current = ParamMath.Norm<double>(df);
            double s = current > 0 ? target / current : 0;
            for (int i = 0; i < df.Length; i++)
            {
                df[i] *= s;
            }
        }
    }

    /// <summary>The flat N(0, 1) draw of length like.Size under key, in float64, cut per tensor.</summary>
    private static double[][] Gaussian<T>(ParamSet<T> like, RngKey key) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = new double[like.Count][];
        long start = 0;
        for (int p = 0; p < g.Length; p++)
        {
            g[p] = new double[like[p].Size];
            Sampling.Normal(key, g[p].AsSpan(), 0.0, 1.0, start, allowParallel: true);
            start += g[p].Length;
        }
        return g;
    }

    private static Tensor<T> Round<T>(double[] values, int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var data = new T[values.Length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = T.CreateTruncating(values[i]);
        }
        return Tensor.Wrap(data, (int[])shape.Clone());
    }
}
