using System.Numerics;
using Gradscope.Linalg;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Data;

/// <summary>
/// <c>linear-teacher</c>: the setting of Saxe, McClelland and Ganguli (2014), "Exact solutions to
/// the nonlinear dynamics of learning in deep linear neural networks". Targets y = A x (+ noise)
/// with A = U diag(s) Vᵀ [outputs, inputs]; U [outputs, r] and V [inputs, r] Haar-random with
/// orthonormal columns; s as given (r = len(s) ≤ min(inputs, outputs)). With whitened inputs
/// (Σxx = (1/n) XᵀX = I) and no noise, Σyx = (1/n) YᵀX = A exactly, so the modes of A are the
/// ones whose strengths follow the closed-form sigmoidal trajectories.
/// </summary>
internal static class LinearTeacherData
{
    public static Dataset<T> Create<T>(OptionGuard g, RngKey key, RngKey splitKey) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = g.Options;
        g.OnlyUses("inputs", "outputs", "samples", "test_samples", "singular_values", "whiten", "noise");
        g.NotBoth("test_samples", o.TestSamples);
        int d = g.Positive(o.Inputs, "inputs");
        int k = g.Positive(o.Outputs, "outputs");
        int n = g.Positive(o.Samples, "samples");
        int m = o.TestSamples is null ? 0 : g.Positive(o.TestSamples, "test_samples");
        double noise = g.NonNegativeOr(o.Noise, "noise", 0);
        bool whiten = o.Whiten ?? false;
        double[] s = o.SingularValues ?? throw g.Missing("singular_values");
        int r = s.Length;
        if (r == 0 || r > Math.Min(d, k))
        {
            throw g.Bad("singular_values", $"needs between 1 and min(inputs, outputs) = {Math.Min(d, k)} values, got {r}");
        }
        foreach (double v in s)
        {
            if (!double.IsFinite(v) || v < 0)
            {
                throw g.Bad("singular_values", $"must be finite and >= 0, got {OptionGuard.Format(v)}");
            }
        }

        double[] u = DataMath.HaarOrthonormal(key.Fold(DataKeys.First), k, r);
        double[] vMat = DataMath.HaarOrthonormal(key.Fold(DataKeys.Second), d, r);
        double[] a = TeacherMatrix(u, s, vMat, k, d, r);

        double[] x = DataMath.Gaussian(key.Fold(DataKeys.Inputs), n * d);
        double[] xTrain = x, xTest;
        int nTrain = n, nTest = m;
        if (o.TestFraction is double f)
        {
            var (train, test) = Holdout.Indices(n, f, splitKey);
            xTrain = DataMath.Rows(x, d, train);
            xTest = DataMath.Rows(x, d, test);
            (nTrain, nTest) = (train.Length, test.Length);
        }
        else
        {
            xTest = DataMath.Gaussian(key.Fold(DataKeys.TestInputs), m * d);
        }
        if (whiten)
        {
            if (nTrain < d)
            {
                throw g.Bad("whiten", $"needs at least as many training samples as inputs ({nTrain} < {d}): (1/n) XᵀX has rank at most n");
            }
            xTrain = Whiten(xTrain, nTrain, d);
        }

        var trainSplit = Targets(xTrain, nTrain, d, a, k, noise, key.Fold(DataKeys.Noise));
        DataSplit<T>? testSplit = nTest > 0 ? Targets(xTest, nTest, d, a, k, noise, key.Fold(DataKeys.TestNoise)).ToSplit<T>() : null;
        return new Dataset<T>("linear-teacher", TaskKind.Regression, trainSplit.ToSplit<T>(), testSplit, 0,
            Describe(s, u, vMat, a, k, d));
    }

    /// <summary>A = U diag(s) Vᵀ, [k, d].</summary>
    internal static double[] TeacherMatrix(double[] u, double[] s, double[] v, int k, int d, int r)
    {
        var us = new double[k * r];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < r; j++)
            {
                us[i * r + j] = u[i * r + j] * s[j];
            }
        }
        return DataMath.MatMul(us, false, v, true, k, d, r);
    }

    /// <summary>Y = X Aᵀ + noise·N(0, 1).</summary>
    private static RawSplit Targets(double[] x, int n, int d, double[] a, int k, double noise, RngKey noiseKey)
    {
        double[] y = DataMath.MatMul(x, false, a, true, n, k, d);
        if (noise > 0)
        {
            DataMath.AddScaled(y, DataMath.Gaussian(noiseKey, n * k), noise);
        }
        return new RawSplit(x, n, d, y, k, null);
    }

    /// <summary>
    /// Symmetric (ZCA) whitening X ← X C^{-1/2}, C = (1/n) XᵀX, which keeps the inputs as close
    /// as possible to the originals (Kessy, Lewin and Strimmer 2018). One pass leaves
    /// (1/n) XᵀX = I up to about cond(C)·ε; a second pass on the nearly-white result (C ≈ I,
    /// condition ≈ 1) brings it to a few ulps, so the identity holds to 1e-12 and better.
    /// </summary>
    internal static double[] Whiten(double[] x, int n, int d)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            double[] c = DataMath.MatMul(x, true, x, false, d, d, n);
            for (int i = 0; i < c.Length; i++)
            {
                c[i] /= n;
            }
            double[] w;
            try
            {
                w = MatrixFunctions.InverseSqrt(c, d);
            }
            catch (ArgumentException e)
            {
                throw new DataException($"data.whiten: the sample input covariance is singular ({e.Message})", e);
            }
            x = DataMath.MatMul(x, false, w, false, n, d, d);
        }
        return x;
    }

    /// <summary>The teacher's singular structure with the modes sorted by decreasing s (ties keep the given order).</summary>
    private static LinearTeacher Describe(double[] s, double[] u, double[] v, double[] a, int k, int d)
    {
        int r = s.Length;
        int[] order = Enumerable.Range(0, r).OrderByDescending(i => s[i]).ToArray();
        var uSorted = new double[k * r];
        var vSorted = new double[d * r];
        for (int j = 0; j < r; j++)
        {
            for (int i = 0; i < k; i++)
            {
                uSorted[i * r + j] = u[i * r + order[j]];
            }
            for (int i = 0; i < d; i++)
            {
                vSorted[i * r + j] = v[i * r + order[j]];
            }
        }
        return new LinearTeacher(
            Array.ConvertAll(order, i => s[i]),
            Tensor.FromArray(uSorted, k, r),
            Tensor.FromArray(vSorted, d, r),
            Tensor.FromArray(a, k, d));
    }
}
