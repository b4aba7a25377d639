using System.Globalization;
using System.Numerics;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Curvature;

/// <summary>
/// Per-layer curvature: the diagonal blocks H_ll of the Hessian, one per linear layer (its weight
/// and bias together). Layers of a network can sit at very different curvature — the block
/// spectra are what layer-wise learning rates and the per-layer analyses of Sankar et al. (2021,
/// "A deeper look at the Hessian eigenspectrum of deep neural networks") and PyHessian's block
/// traces (Yao et al. 2020) look at. Note that the blocks' top eigenvalues do not determine the
/// full Hessian's (off-diagonal blocks couple layers).
/// </summary>
public static class BlockCurvature
{
    /// <summary>
    /// For each layer (parameters grouped by <see cref="ParamSpec.Layer"/>, ascending; named
    /// <c>layers.{i}</c>): the top (largest algebraic) eigenvalue of its diagonal block by
    /// <see cref="Lanczos.Top"/> and a Hutchinson trace estimate with <paramref name="traceProbes"/>
    /// probes (key <c>key.Fold(layer)</c>). <paramref name="options"/>.Start is ignored (each block has
    /// its own dimension); its seed is folded with the layer index. The data are cut into chunks once
    /// and shared by all blocks.
    /// </summary>
    public static IReadOnlyList<(string Name, double TopEigenvalue, TraceEstimate Trace)> PerLayer<T>(
        Model model, LossKind loss, Tensor<T> x, Tensor<T> y, ParamSet<T> at, int traceProbes, RngKey key,
        LanczosOptions? options = null, int chunkSize = 1024)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        var full = new HessianOperator<T>(model, loss, x, y, at, chunkSize);
        var baseOptions = (options ?? new LanczosOptions()) with { Start = null };
        var result = new List<(string, double, TraceEstimate)>();
        foreach (var (layer, indices) in Layers(model))
        {
            var block = full.ForBlock(indices);
            var opts = baseOptions with { Seed = new RngKey(baseOptions.Seed).Fold((ulong)layer).Value };
            var top = Lanczos.Top(block, 1, opts);
            var trace = HutchinsonTrace.Estimate(block, traceProbes, key.Fold((ulong)layer));
            result.Add(("layers." + layer.ToString(CultureInfo.InvariantCulture), top.Values[0], trace));
        }
        return result;
    }

    /// <summary>Parameter tensor indices grouped by layer, layers ascending.</summary>
    public static IReadOnlyList<(int Layer, int[] Indices)> Layers(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Parameters.Select((p, i) => (p.Layer, i))
            .GroupBy(t => t.Layer)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Select(t => t.i).ToArray()))
            .ToArray();
    }
}
