using System.Diagnostics;
using System.Numerics;
using Gradscope.Data;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Landscape;

/// <summary>One measurement of workload W5 (DESIGN.md §5).</summary>
/// <param name="PeakExtraBytes">Largest growth of the LIVE managed heap (after a full collection) over the model, data and
/// directions, sampled at every point of a separate 11×11 pass (so the timing pass is not disturbed). Garbage between
/// collections is not counted: it is the runtime's allocation budget, not memory the evaluation holds.</param>
/// <param name="ModelDataBytes">Bytes of θ plus the inputs and targets (what "memory of the model plus data" counts).</param>
public sealed record LandscapeBenchmarkResult(string DType, string Mode, int Grid, int Samples, double Seconds, double PointsPerSecond,
    long ModelDataBytes, long PeakExtraBytes)
{
    /// <summary>(model + data + peak extra) / (model + data): the "peak memory under 2× model plus data".</summary>
    public double MemoryRatio => (double)(ModelDataBytes + PeakExtraBytes) / ModelDataBytes;
}

/// <summary>
/// W5: a 51×51 filter-normalised 2-D slice (Li et al. 2018) of MLP 784-200-10 tanh, MSE, 1,000 samples
/// (random normal inputs, random one-hot targets, PyTorch's default init). The peer is
/// <c>bench/peers/w5_torch.py</c>, loss-landscape's loop (set θ + αδ + βη in place, evaluate the loss).
/// </summary>
public static class LandscapeBenchmark
{
    public static readonly int[] Widths = [784, 200, 10];

    public static LandscapeBenchmarkResult Run<T>(int grid = 51, int samples = 1000, ForwardMode mode = ForwardMode.Auto, long seed = 5)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var key = RngKey.FromSeed(seed);
        var model = new Mlp(Widths, Activation.Tanh, bias: true);
        var x = Tensor.Normal<T>(key.Fold(1), [samples, Widths[0]]);
        var labels = new int[samples];
        Sampling.UniformInt(key.Fold(2), labels, 0, Widths[^1]);
        var onehot = new T[samples * Widths[^1]];
        for (int i = 0; i < samples; i++)
        {
            onehot[i * Widths[^1] + labels[i]] = T.One;
        }
        var y = Tensor.FromArray(onehot, [samples, Widths[^1]]);
        var train = new DataSplit<T>(x, y, null);
        var theta = Initializer.Create<T>(model, new InitOptions(), key.Fold(3));
        var dx = Directions.FilterNormalized(model, theta, key.Fold(4));
        var dy = Directions.FilterNormalized(model, theta, key.Fold(5));
        var axis = new GridAxis(-1, 1, grid);
        long modelData = (theta.Size + x.Size + y.Size) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

        // Warm-up on a small grid (JIT, pools), then the timed grid, then the memory pass.
        Surface.Evaluate(model, LossKind.Mse, train, null, theta, dx, dy, new GridAxis(-1, 1, 3), new GridAxis(-1, 1, 3), _ => { }, mode: mode);
        var sw = Stopwatch.StartNew();
        Surface.Evaluate(model, LossKind.Mse, train, null, theta, dx, dy, axis, axis, _ => { }, mode: mode);
        double seconds = sw.Elapsed.TotalSeconds;
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        var small = new GridAxis(-1, 1, 11);
        Surface.Evaluate(model, LossKind.Mse, train, null, theta, dx, dy, small, small, _ => peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true)), mode: mode);
        return new LandscapeBenchmarkResult(typeof(T) == typeof(float) ? "float32" : "float64", mode.ToString().ToLowerInvariant(), grid, samples,
            seconds, grid * grid / seconds, modelData, peak - baseline);
    }
}
