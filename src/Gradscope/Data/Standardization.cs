using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Data;

/// <summary>How file datasets' inputs are standardised (<see cref="DataOptions.Standardize"/>).</summary>
public enum StandardizeMode
{
    /// <summary>Inputs as read (fashion-mnist: pixels scaled to [0, 1]).</summary>
    None,

    /// <summary>One mean and standard deviation over every input value of the training split.</summary>
    Global,

    /// <summary>Each input column (pixel) with its own mean and standard deviation over the training split.</summary>
    PerFeature,
}

/// <summary>
/// Input standardisation x ← (x − μ)/σ with μ, σ (population std, divisor n) computed on the
/// training split only and applied unchanged to the test split, so no test statistics leak into
/// training. A zero σ (a constant pixel) leaves that column merely centred. (x − μ)·(1/σ) is
/// computed in float64 and rounded once to T.
/// </summary>
public static class Standardization
{
    public static readonly string[] Names = ["none", "global", "per-feature"];

    /// <summary>Parses the spec value: none | global | per-feature (aliases: true = global, false = none, per-pixel = per-feature).</summary>
    public static StandardizeMode Parse(string? value) => value switch
    {
        null or "none" or "false" => StandardizeMode.None,
        "global" or "true" => StandardizeMode.Global,
        "per-feature" or "per-pixel" => StandardizeMode.PerFeature,
        _ => throw new DataException($"data.standardize: unknown value '{value}' (expected one of: {string.Join(", ", Names)})"),
    };

    /// <summary>
    /// Standardises the inputs of <paramref name="d"/> in place: only for datasets the factory has
    /// just built and still owns (no copy of a 60,000 × 784 input matrix).
    /// </summary>
    internal static Dataset<T> ApplyInPlace<T>(Dataset<T> d, StandardizeMode mode) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (mode == StandardizeMode.None)
        {
            return d;
        }
        var (mean, std) = Statistics(d.Train.X, mode == StandardizeMode.PerFeature);
        Transform(d.Train.X, mean, std);
        if (d.Test is not null)
        {
            Transform(d.Test.X, mean, std);
        }
        return d;
    }

    /// <summary>Per-column (or one global, broadcast to every column) mean and std of X [n, d], accumulated in float64.</summary>
    internal static (double[] Mean, double[] Std) Statistics<T>(Tensor<T> x, bool perFeature) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Shape[0], dim = x.Shape[1];
        var s = x.Span;
        var sum = new double[dim];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < dim; j++)
            {
                sum[j] += double.CreateTruncating(s[i * dim + j]);
            }
        }
        var mean = new double[dim];
        if (perFeature)
        {
            for (int j = 0; j < dim; j++)
            {
                mean[j] = sum[j] / n;
            }
        }
        else
        {
            Array.Fill(mean, sum.Sum() / ((double)n * dim));
        }
        // Two-pass variance about the mean (no cancellation of E[x²] − μ²).
        var sq = new double[dim];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < dim; j++)
            {
                double c = double.CreateTruncating(s[i * dim + j]) - mean[j];
                sq[j] += c * c;
            }
        }
        var std = new double[dim];
        if (perFeature)
        {
            for (int j = 0; j < dim; j++)
            {
                std[j] = Math.Sqrt(sq[j] / n);
            }
        }
        else
        {
            Array.Fill(std, Math.Sqrt(sq.Sum() / ((double)n * dim)));
        }
        return (mean, std);
    }

    private static void Transform<T>(Tensor<T> x, double[] mean, double[] std) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int dim = x.Shape[1];
        var scale = Array.ConvertAll(std, s => s > 0 ? 1.0 / s : 1.0);
        T[] data = x.Data;
        Parallel.For(0, x.Shape[0], i =>
        {
            Span<T> row = data.AsSpan(i * dim, dim);
            for (int j = 0; j < dim; j++)
            {
                row[j] = T.CreateTruncating((double.CreateTruncating(row[j]) - mean[j]) * scale[j]);
            }
        });
    }
}
