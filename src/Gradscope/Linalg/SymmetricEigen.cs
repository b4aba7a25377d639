namespace Gradscope.Linalg;

/// <summary>
/// Eigendecomposition A = V diag(λ) V^T of a real symmetric matrix (row-major n x n).
/// LAPACK backend: dsyevd (divide and conquer). Managed backend: Gradscope's own Householder
/// tridiagonalisation + implicit QL with cache-blocked, parallel rotation updates, several times
/// faster than Math.NET Numerics' EVD at n = 1000 (docs/performance.md); Math.NET remains a test oracle.
/// </summary>
public static class SymmetricEigen
{
    /// <summary>
    /// Default symmetry check: max |A_ij - A_ji| may be at most this fraction of max |A_ij|.
    /// Loose on purpose (matrices assembled from float32 Hessian-vector products are symmetric
    /// only to ~1e-7); the decomposition is of the symmetric part (A + A^T) / 2.
    /// </summary>
    public const double DefaultSymmetryTolerance = 1e-6;

    /// <summary>
    /// Eigenvalues in ascending order and eigenvectors as the columns of a row-major n x n matrix
    /// (eigenvector j is column j: <c>vectors[i * n + j]</c>), orthonormal. The sign of each
    /// eigenvector is whatever the backend produces.
    /// </summary>
    /// <param name="a">Row-major n x n symmetric matrix; its symmetric part is decomposed.</param>
    /// <param name="n">Order of the matrix.</param>
    /// <param name="symmetryTolerance">Relative asymmetry above which an <see cref="ArgumentException"/> is thrown.</param>
    /// <param name="backend">Backend for this call; null uses <see cref="LinalgSettings.Backend"/>.</param>
    public static (double[] Values, double[] Vectors) Decompose(
        ReadOnlySpan<double> a, int n, double symmetryTolerance = DefaultSymmetryTolerance, LinalgBackend? backend = null)
    {
        double[] s = SymmetricPart(a, n, symmetryTolerance);
        var values = new double[n];
        if (LinalgSettings.UsesLapack(backend))
        {
            Lapack.Syevd(s, n, values, vectors: true);
            // Column-major eigenvectors -> row-major with eigenvector j in column j.
            return (values, DenseKernels.Transpose(s, n, n));
        }
        return TridiagonalEigen.Decompose(s, n, vectors: true);
    }

    /// <summary>Eigenvalues only, ascending (both backends skip the eigenvectors, which is several times cheaper).</summary>
    public static double[] EigenvaluesOnly(
        ReadOnlySpan<double> a, int n, double symmetryTolerance = DefaultSymmetryTolerance, LinalgBackend? backend = null)
    {
        double[] s = SymmetricPart(a, n, symmetryTolerance);
        if (LinalgSettings.UsesLapack(backend))
        {
            var values = new double[n];
            Lapack.Syevd(s, n, values, vectors: false);
            return values;
        }
        return TridiagonalEigen.Decompose(s, n, vectors: false).Values;
    }

    /// <summary>(A + A^T) / 2 after checking shape, finiteness and approximate symmetry.</summary>
    internal static double[] SymmetricPart(ReadOnlySpan<double> a, int n, double tolerance)
    {
        DenseKernels.CheckShape(a, n, n, nameof(a));
        DenseKernels.CheckFinite(a, nameof(a));
        double scale = 0;
        foreach (double x in a)
        {
            scale = Math.Max(scale, Math.Abs(x));
        }
        var s = new double[n * n];
        double worst = 0;
        int worstI = 0, worstJ = 0;
        for (int i = 0; i < n; i++)
        {
            s[i * n + i] = a[i * n + i];
            for (int j = 0; j < i; j++)
            {
                double lower = a[i * n + j], upper = a[j * n + i];
                double gap = Math.Abs(lower - upper);
                if (gap > worst)
                {
                    (worst, worstI, worstJ) = (gap, i, j);
                }
                double mean = 0.5 * (lower + upper);
                s[i * n + j] = mean;
                s[j * n + i] = mean;
            }
        }
        if (worst > tolerance * scale)
        {
            throw new ArgumentException(
                $"Matrix is not symmetric: |A[{worstI},{worstJ}] - A[{worstJ},{worstI}]| = {worst:G3} exceeds " +
                $"{tolerance:G3} x max|A| = {tolerance * scale:G3}.", nameof(a));
        }
        return s;
    }
}
