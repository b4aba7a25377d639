using System.Runtime.CompilerServices;

namespace Gradscope.Linalg;

/// <summary>
/// Small dense helpers on row-major <c>double</c> matrices used by the decompositions: argument
/// checks, transposition and a cache-tiled product (LAPACK's dgemm when that backend is active).
/// </summary>
internal static class DenseKernels
{
    internal static void CheckShape(ReadOnlySpan<double> a, int m, int n, string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if ((long)m * n != a.Length)
        {
            throw new ArgumentException($"Expected {m} x {n} = {(long)m * n} elements (row-major), got {a.Length}.", paramName);
        }
    }

    internal static void CheckFinite(ReadOnlySpan<double> a, string paramName)
    {
        for (int i = 0; i < a.Length; i++)
        {
            if (!double.IsFinite(a[i]))
            {
                throw new ArgumentException($"Matrix has a non-finite entry ({a[i]}) at flat index {i}.", paramName);
            }
        }
    }

    /// <summary>Row-major transpose: the n x m matrix B with B[j, i] = A[i, j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double[] Transpose(ReadOnlySpan<double> a, int m, int n)
    {
        var t = new double[a.Length];
        const int tile = 32;
        for (int i0 = 0; i0 < m; i0 += tile)
        {
            int i1 = Math.Min(m, i0 + tile);
            for (int j0 = 0; j0 < n; j0 += tile)
            {
                int j1 = Math.Min(n, j0 + tile);
                for (int i = i0; i < i1; i++)
                {
                    for (int j = j0; j < j1; j++)
                    {
                        t[j * m + i] = a[i * n + j];
                    }
                }
            }
        }
        return t;
    }

    /// <summary>Row-major C = op(A) op(B) with C m x n and inner dimension k.</summary>
    internal static double[] Multiply(
        ReadOnlySpan<double> a, bool transposeA, ReadOnlySpan<double> b, bool transposeB, int m, int n, int k, bool lapack)
    {
        var c = new double[m * n];
        if (lapack)
        {
            Lapack.Gemm(a, transposeA, b, transposeB, c, m, n, k);
            return c;
        }
        double[] aa = transposeA ? Transpose(a, k, m) : a.ToArray();
        double[] bb = transposeB ? Transpose(b, n, k) : b.ToArray();
        MultiplyManaged(aa, bb, c, m, n, k);
        return c;
    }

    private const int RowTile = 32;
    private const int InnerTile = 128;
    private const int ColumnTile = 512;

    /// <summary>
    /// C += A B (A m x k, B k x n, row-major). Rows of C are split across cores; within a row tile
    /// the loop runs over a 128 x 512 tile of B (512 KB, resident in L2) with vectorised row AXPYs.
    /// </summary>
    private static void MultiplyManaged(double[] a, double[] b, double[] c, int m, int n, int k)
    {
        int rowTiles = (m + RowTile - 1) / RowTile;
        if (2L * m * n * k < 4_000_000 || Environment.ProcessorCount < 2)
        {
            MultiplyRowTiles(a, b, c, m, n, k, 0, rowTiles);
            return;
        }
        Parallel.For(0, rowTiles, t => MultiplyRowTiles(a, b, c, m, n, k, t, t + 1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyRowTiles(double[] a, double[] b, double[] c, int m, int n, int k, int firstTile, int endTile)
    {
        for (int t = firstTile; t < endTile; t++)
        {
            int i0 = t * RowTile;
            int i1 = Math.Min(m, i0 + RowTile);
            for (int j0 = 0; j0 < n; j0 += ColumnTile)
            {
                int width = Math.Min(ColumnTile, n - j0);
                for (int p0 = 0; p0 < k; p0 += InnerTile)
                {
                    int p1 = Math.Min(k, p0 + InnerTile);
                    for (int i = i0; i < i1; i++)
                    {
                        Span<double> cRow = c.AsSpan(i * n + j0, width);
                        for (int p = p0; p < p1; p++)
                        {
                            Blas1.Axpy(a[i * k + p], b.AsSpan(p * n + j0, width), cRow);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// V diag(d) V^T for row-major n x n V (vectors in columns), made exactly symmetric by
    /// averaging with its transpose (the product is symmetric in exact arithmetic).
    /// </summary>
    internal static double[] ScaledGram(double[] v, ReadOnlySpan<double> d, int n, bool lapack)
    {
        var w = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                w[i * n + j] = v[i * n + j] * d[j];
            }
        }
        double[] r = Multiply(w, false, v, true, n, n, n, lapack);
        Symmetrize(r, n);
        return r;
    }

    /// <summary>Replaces the row-major n×n matrix by its symmetric part (A + Aᵀ)/2, in place.</summary>
    internal static void Symmetrize(double[] a, int n)
    {
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double m = 0.5 * (a[i * n + j] + a[j * n + i]);
                a[i * n + j] = m;
                a[j * n + i] = m;
            }
        }
    }
}
