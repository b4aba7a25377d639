using System.Numerics;
using Gradscope.Random;

namespace Gradscope.Data;

/// <summary>
/// <c>gaussian-mixture</c>: C classes in d dimensions (C ≤ d), class c drawn from
/// N(μ_c, std²·I). The means are μ_c = (separation/√2)·q_c with q_1 … q_C Haar-random orthonormal
/// directions, so every pair of means is exactly <c>separation</c> apart and the means are
/// equidistant from the origin. Labels are balanced: class counts differ by at most one
/// (label i mod C, in seeded random order). Y is one-hot; Labels the class indices.
/// Defaults: separation 4, std 1.
/// </summary>
internal static class GaussianMixtureData
{
    public static Dataset<T> Create<T>(OptionGuard g, RngKey key) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = g.Options;
        g.OnlyUses("inputs", "classes", "samples", "test_samples", "separation", "std");
        g.NotBoth("test_samples", o.TestSamples);
        int d = g.Positive(o.Inputs, "inputs");
        int c = g.Positive(o.Classes, "classes");
        int n = g.Positive(o.Samples, "samples");
        int m = o.TestSamples is null ? 0 : g.Positive(o.TestSamples, "test_samples");
        double separation = g.NonNegativeOr(o.Separation, "separation", 4.0);
        double std = g.NonNegativeOr(o.Std, "std", 1.0);
        if (c < 2)
        {
            throw g.Bad("classes", $"must be at least 2, got {c}");
        }
        if (c > d)
        {
            throw g.Bad("classes", $"at most inputs = {d} (the means lie along orthogonal directions), got {c}");
        }
        double[] means = Means(key.Fold(DataKeys.First), d, c, separation);
        var train = Sample(n, d, c, means, std, key.Fold(DataKeys.Second), key.Fold(DataKeys.Inputs));
        var test = m > 0 ? Sample(m, d, c, means, std, key.Fold(DataKeys.TestLabels), key.Fold(DataKeys.TestInputs)).ToSplit<T>() : null;
        return new Dataset<T>("gaussian-mixture", TaskKind.Classification, train.ToSplit<T>(), test, c);
    }

    /// <summary>Means [c, d], row c = μ_c.</summary>
    internal static double[] Means(RngKey key, int d, int c, double separation)
    {
        double[] q = DataMath.HaarOrthonormal(key, d, c);   // d x c
        double scale = separation / Math.Sqrt(2);
        var mu = new double[c * d];
        for (int k = 0; k < c; k++)
        {
            for (int j = 0; j < d; j++)
            {
                mu[k * d + j] = scale * q[j * c + k];
            }
        }
        return mu;
    }

    private static RawSplit Sample(int n, int d, int c, double[] means, double std, RngKey labelKey, RngKey noiseKey)
    {
        int[] perm = Sampling.Permutation(labelKey, n);
        int[] labels = Array.ConvertAll(perm, i => i % c);
        double[] x = DataMath.Gaussian(noiseKey, n * d, std);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                x[i * d + j] += means[labels[i] * d + j];
            }
        }
        return RawSplit.Classified(x, n, d, labels, c);
    }
}
