using Gradscope.Random;

namespace Gradscope.Tests.Linalg;

/// <summary>Naive reference operations on row-major matrices, for checking the decompositions.</summary>
internal static class Dense
{
    public static double[] RandomMatrix(int m, int n, long seed)
    {
        var a = new double[m * n];
        Sampling.Normal(RngKey.FromSeed(seed), a.AsSpan(), 0.0, 1.0);
        return a;
    }

    public static double[] RandomSymmetric(int n, long seed)
    {
        double[] g = RandomMatrix(n, n, seed);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[i * n + j] = g[i * n + j] + g[j * n + i];
            }
        }
        return a;
    }

    /// <summary>B B^T / n + shift I: symmetric positive definite, condition number moderate.</summary>
    public static double[] RandomSpd(int n, long seed, double shift = 0.5)
    {
        double[] b = RandomMatrix(n, n, seed);
        double[] a = Multiply(b, Transpose(b, n, n), n, n, n);
        for (int i = 0; i < n * n; i++)
        {
            a[i] /= n;
        }
        for (int i = 0; i < n; i++)
        {
            a[i * n + i] += shift;
        }
        return a;
    }

    /// <summary>Q diag(values) Q^T with a random orthogonal Q (from the QR of a Gaussian matrix).</summary>
    public static double[] WithSpectrum(double[] values, long seed)
    {
        int n = values.Length;
        double[] q = Gradscope.Linalg.Qr.Orthonormalize(RandomMatrix(n, n, seed), n, n);
        return Multiply(Multiply(q, Diagonal(values), n, n, n), Transpose(q, n, n), n, n, n);
    }

    public static double[] Diagonal(double[] d)
    {
        int n = d.Length;
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            a[i * n + i] = d[i];
        }
        return a;
    }

    public static double[] Identity(int n) => Diagonal(Enumerable.Repeat(1.0, n).ToArray());

    public static double[] Multiply(double[] a, double[] b, int m, int k, int n)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                double aip = a[i * k + p];
                for (int j = 0; j < n; j++)
                {
                    c[i * n + j] += aip * b[p * n + j];
                }
            }
        }
        return c;
    }

    public static double[] Transpose(double[] a, int m, int n)
    {
        var t = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                t[j * m + i] = a[i * n + j];
            }
        }
        return t;
    }

    public static double MaxAbs(double[] a) => a.Length == 0 ? 0 : a.Max(Math.Abs);

    public static double MaxAbsDiff(double[] a, double[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double d = 0;
        for (int i = 0; i < a.Length; i++)
        {
            d = Math.Max(d, Math.Abs(a[i] - b[i]));
        }
        return d;
    }

    /// <summary>Asserts max|a - b| &lt;= tol * max(1, max|b|).</summary>
    public static void AssertClose(double[] expected, double[] actual, double tol, string what)
    {
        double scale = Math.Max(1.0, MaxAbs(expected));
        double err = MaxAbsDiff(expected, actual);
        Assert.True(err <= tol * scale, $"{what}: max abs error {err:G3} > {tol:G3} x {scale:G3}");
    }

    /// <summary>Asserts the columns of the row-major m x r matrix are orthonormal.</summary>
    public static void AssertOrthonormalColumns(double[] q, int m, int r, double tol, string what)
    {
        double[] gram = Multiply(Transpose(q, m, r), q, r, m, r);
        AssertClose(Identity(r), gram, tol, what);
    }
}
