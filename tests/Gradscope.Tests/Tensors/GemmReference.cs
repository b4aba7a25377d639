using System.Numerics;

namespace Gradscope.Tests.Tensors;

/// <summary>
/// The oracle for GEMM tests: a naive triple loop accumulated in double, plus the magnitude
/// |alpha| sum_p |a_ip b_pj| + |beta c_ij| that bounds each element's rounding error.
/// </summary>
internal static class GemmReference
{
    /// <summary>Machine epsilon of T (2^-52 for double, 2^-23 for float).</summary>
    public static double Epsilon<T>() => typeof(T) == typeof(double) ? Math.Pow(2, -52) : Math.Pow(2, -23);

    /// <summary>
    /// Tolerance relative to the magnitude bound: a k-term FMA chain plus the alpha/beta epilogue
    /// (and, for float32, the reference's own double rounding is negligible). 2 (k + 2) eps is the
    /// classical gamma_{k+2} bound with a safety factor of 2: ~3e-14 for k = 67 in float64, ~2e-5 in float32.
    /// </summary>
    public static double Tolerance<T>(int k) => 2.0 * (k + 2) * Epsilon<T>();

    public static (double[] Value, double[] Bound) Compute<T>(bool transA, bool transB, int m, int n, int k,
        T alpha, T[] a, int lda, T[] b, int ldb, T beta, T[] c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var value = new double[m * n];
        var bound = new double[m * n];
        double al = double.CreateTruncating(alpha), be = double.CreateTruncating(beta);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = double.CreateTruncating(transA ? a[p * lda + i] : a[i * lda + p])
                        * double.CreateTruncating(transB ? b[j * ldb + p] : b[p * ldb + j]);
                    sum += x;
                    abs += Math.Abs(x);
                }
                double cij = be == 0 ? 0 : double.CreateTruncating(c[i * ldc + j]);
                value[i * n + j] = al * sum + be * cij;
                bound[i * n + j] = Math.Abs(al) * abs + Math.Abs(be * cij);
            }
        }
        return (value, bound);
    }

    /// <summary>Fills with uniform values in [-1, 1) from a seeded generator.</summary>
    public static T[] RandomArray<T>(System.Random random, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new T[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = T.CreateTruncating(2 * random.NextDouble() - 1);
        }
        return x;
    }

    /// <summary>
    /// Asserts that C's m x n window matches the reference within the tolerance, and that the
    /// padding columns (ldc &gt; n) still hold their original values (edges must not be overwritten).
    /// </summary>
    public static void AssertMatches<T>(string what, int m, int n, int k, T[] got, int ldc, T[] original,
        (double[] Value, double[] Bound) expected)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double tol = Tolerance<T>(k);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                double g = double.CreateTruncating(got[i * ldc + j]);
                if (j >= n)
                {
                    Assert.True(got[i * ldc + j].Equals(original[i * ldc + j]),
                        $"{what}: padding C[{i},{j}] (ldc={ldc}, n={n}) was overwritten with {g}");
                    continue;
                }
                double e = expected.Value[i * n + j];
                double allowed = tol * expected.Bound[i * n + j] + 1e-300;
                Assert.True(Math.Abs(g - e) <= allowed,
                    $"{what}: C[{i},{j}] = {g:R}, expected {e:R} (|diff| {Math.Abs(g - e):E2} > {allowed:E2})");
            }
        }
    }
}
