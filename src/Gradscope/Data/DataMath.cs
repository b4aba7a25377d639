using Gradscope.Linalg;
using Gradscope.Random;

namespace Gradscope.Data;

/// <summary>Small row-major float64 helpers shared by the generators.</summary>
internal static class DataMath
{
    /// <summary>count independent N(0, std²) draws from <paramref name="key"/>.</summary>
    public static double[] Gaussian(RngKey key, int count, double std = 1.0)
    {
        var x = new double[count];
        Sampling.Normal(key, x.AsSpan(), 0.0, std);
        return x;
    }

    /// <summary>
    /// A Haar-uniform m x r matrix with orthonormal columns (r ≤ m): the Q factor of an m x r
    /// standard Gaussian matrix, with the sign of each column fixed so that R has a positive
    /// diagonal (Mezzadri 2007, "How to generate random matrices from the classical compact
    /// groups", Notices AMS 54: without the fix Q is not Haar-distributed). <see cref="Qr"/>
    /// already returns diag(R) ≥ 0; a zero diagonal has probability zero.
    /// </summary>
    public static double[] HaarOrthonormal(RngKey key, int m, int r)
    {
        if (r == 0)
        {
            return [];
        }
        return Qr.Decompose(Gaussian(key, m * r), m, r, LinalgBackend.Managed).Q;
    }

    /// <summary>C = op(A) op(B), C m x n, inner dimension k (managed kernel: deterministic bits on every machine configuration).</summary>
    public static double[] MatMul(double[] a, bool transA, double[] b, bool transB, int m, int n, int k) =>
        DenseKernels.Multiply(a, transA, b, transB, m, n, k, lapack: false);

    /// <summary>Rows <paramref name="rows"/> of a row-major matrix with <paramref name="cols"/> columns.</summary>
    public static double[] Rows(double[] a, int cols, int[] rows)
    {
        var r = new double[rows.Length * cols];
        for (int i = 0; i < rows.Length; i++)
        {
            Array.Copy(a, (long)rows[i] * cols, r, (long)i * cols, cols);
        }
        return r;
    }

    public static double[] OneHot(int[] labels, int classes)
    {
        var y = new double[labels.Length * classes];
        for (int i = 0; i < labels.Length; i++)
        {
            y[i * classes + labels[i]] = 1.0;
        }
        return y;
    }

    /// <summary>y += scale · x.</summary>
    public static void AddScaled(double[] y, double[] x, double scale)
    {
        for (int i = 0; i < y.Length; i++)
        {
            y[i] += scale * x[i];
        }
    }
}
