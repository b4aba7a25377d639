namespace Gradscope.Linalg;

/// <summary>
/// Thin QR factorisation A = Q R of a row-major m x n matrix, r = min(m, n): Q is m x r with
/// orthonormal columns, R is r x n upper triangular (upper trapezoidal when n &gt; m).
/// Sign convention: the diagonal of R is non-negative (each negative R_kk flips row k of R and
/// column k of Q), which makes the factorisation unique when A has full column rank.
/// Householder reflections: Gradscope's own managed implementation, or LAPACK dgeqrf + dorgqr.
/// </summary>
public static class Qr
{
    /// <summary>Thin QR: Q (row-major m x r) and R (row-major r x n), diag(R) &gt;= 0.</summary>
    public static (double[] Q, double[] R) Decompose(ReadOnlySpan<double> a, int m, int n, LinalgBackend? backend = null)
    {
        DenseKernels.CheckShape(a, m, n, nameof(a));
        DenseKernels.CheckFinite(a, nameof(a));
        int r = Math.Min(m, n);
        // Both paths work on the columns of A stored contiguously (A^T row-major = A column-major).
        double[] columns = DenseKernels.Transpose(a, m, n);
        double[] qColumns, rMatrix;
        if (LinalgSettings.UsesLapack(backend))
        {
            double[] tau = Lapack.Geqrf(columns, m, n);
            rMatrix = UpperTriangle(columns, m, n, r, diagonal: null);
            Lapack.Orgqr(columns, m, tau);
            qColumns = columns.AsSpan(0, r * m).ToArray();
        }
        else
        {
            (qColumns, rMatrix) = HouseholderQr(columns, m, n);
        }
        // Non-negative diagonal of R.
        for (int k = 0; k < r; k++)
        {
            if (rMatrix[k * n + k] < 0)
            {
                Blas1.Scale(-1, rMatrix.AsSpan(k * n, n));
                Blas1.Scale(-1, qColumns.AsSpan(k * m, m));
            }
        }
        return (DenseKernels.Transpose(qColumns, r, m), rMatrix);
    }

    /// <summary>An orthonormal basis (row-major m x min(m, n), as columns) of the column space of A, the Q of <see cref="Decompose"/>.</summary>
    public static double[] Orthonormalize(ReadOnlySpan<double> a, int m, int n, LinalgBackend? backend = null) =>
        Decompose(a, m, n, backend).Q;

    /// <summary>
    /// Householder QR (Golub and Van Loan, Matrix Computations, 4th ed., Alg. 5.2.1 and 5.1.1 for
    /// the reflector) on <paramref name="columns"/>: column j of A is the contiguous row j.
    /// Returns Q's columns (row j = column j of Q, r x m) and R (row-major r x n).
    /// </summary>
    private static (double[] QColumns, double[] R) HouseholderQr(double[] columns, int m, int n)
    {
        int r = Math.Min(m, n);
        var tau = new double[r];
        var diagonal = new double[r];
        for (int k = 0; k < r; k++)
        {
            // Reflector H_k maps column k (rows k..) to diagonal[k] e_k; v is stored in place.
            (tau[k], diagonal[k]) = Householder.Make(columns.AsSpan(k * m + k, m - k));
            ApplyReflector(columns, m, k, tau[k], columns, k + 1, n);
        }

        double[] rMatrix = UpperTriangle(columns, m, n, r, diagonal);

        // Q = H_0 H_1 ... H_{r-1} [e_0 .. e_{r-1}], accumulated backwards so each H_k touches
        // only columns k.. (columns < k are still unit vectors with zeros in rows >= k).
        var q = new double[r * m];
        for (int j = 0; j < r; j++)
        {
            q[j * m + j] = 1.0;
        }
        for (int k = r - 1; k >= 0; k--)
        {
            ApplyReflector(columns, m, k, tau[k], q, k, r);
        }
        return (q, rMatrix);
    }

    /// <summary>Applies H_k = I - tau v v^T (v = rows k.. of reflector column k) to target columns [from, to).</summary>
    private static void ApplyReflector(double[] reflectors, int m, int k, double tau, double[] target, int from, int to)
    {
        if (tau == 0)
        {
            return;
        }
        int length = m - k;
        Householder.ParallelRows(from, to, length, (lo, hi) => Householder.ApplyToRows(reflectors, k * m + k, length, tau, target, m, k, lo, hi));
    }

    /// <summary>R (row-major r x n) from the upper triangle of the column-contiguous factor.</summary>
    private static double[] UpperTriangle(double[] columns, int m, int n, int r, double[]? diagonal)
    {
        var rMatrix = new double[r * n];
        for (int i = 0; i < r; i++)
        {
            rMatrix[i * n + i] = diagonal is null ? columns[i * m + i] : diagonal[i];
            for (int j = i + 1; j < n; j++)
            {
                rMatrix[i * n + j] = columns[j * m + i];
            }
        }
        return rMatrix;
    }
}
