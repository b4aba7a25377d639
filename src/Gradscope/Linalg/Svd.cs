using MathNet.Numerics.LinearAlgebra.Double;

namespace Gradscope.Linalg;

/// <summary>
/// Thin singular value decomposition A = U diag(S) Vt of a row-major m x n matrix, r = min(m, n):
/// U is m x r and Vt is r x n, both with orthonormal rows/columns (U^T U = Vt Vt^T = I_r), and
/// S descends. LAPACK backend: dgesdd (divide and conquer). Managed backend: a QR of the tall
/// orientation first (so only r x r work goes through Math.NET's full SVD), then Math.NET's SVD.
/// </summary>
public static class Svd
{
    /// <summary>Thin SVD: U (row-major m x r), S (length r, descending), Vt (row-major r x n).</summary>
    public static (double[] U, double[] S, double[] Vt) Decompose(ReadOnlySpan<double> a, int m, int n, LinalgBackend? backend = null)
    {
        DenseKernels.CheckShape(a, m, n, nameof(a));
        DenseKernels.CheckFinite(a, nameof(a));
        int r = Math.Min(m, n);
        if (r == 0)
        {
            return ([], [], []);
        }
        bool lapack = LinalgSettings.UsesLapack(backend);
        if (lapack)
        {
            // Row-major A is column-major A^T (n x m). With A^T = U' S V'^T, A = V' S U'^T, and
            // dgesdd's column-major V'^T (r x m) read row-major is V' (m x r) = U; likewise its
            // column-major U' (n x r) read row-major is U'^T = Vt. No transposes needed.
            double[] work = a.ToArray();
            var s = new double[r];
            var uPrime = new double[n * r];
            var vtPrime = new double[r * m];
            Lapack.Gesdd(work, n, m, s, uPrime, vtPrime);
            return (vtPrime, s, uPrime);
        }
        if (m >= n)
        {
            return Tall(a, m, n);
        }
        // Wide: decompose A^T = U' S Vt'; then A = Vt'^T S U'^T.
        (double[] u2, double[] s2, double[] vt2) = Tall(DenseKernels.Transpose(a, m, n), n, m);
        return (DenseKernels.Transpose(vt2, r, m), s2, DenseKernels.Transpose(u2, n, r));
    }

    /// <summary>Singular values only, descending.</summary>
    public static double[] SingularValues(ReadOnlySpan<double> a, int m, int n, LinalgBackend? backend = null) =>
        Decompose(a, m, n, backend).S;

    /// <summary>Managed thin SVD of a tall (m &gt;= n) matrix: A = Q R, R = U_R S Vt, U = Q U_R.</summary>
    private static (double[] U, double[] S, double[] Vt) Tall(ReadOnlySpan<double> a, int m, int n)
    {
        double[] q;
        double[] core;
        if (m > n)
        {
            (q, core) = Qr.Decompose(a, m, n, LinalgBackend.Managed);
        }
        else
        {
            q = [];
            core = a.ToArray();
        }
        // Math.NET is column-major: the row-major core is its transpose C^T = V S U_R^T.
        var svd = new DenseMatrix(n, n, (double[])core.Clone()).Svd(computeVectors: true);
        double[] s = svd.S.ToArray();
        // svd.U of C^T is V; svd.VT of C^T is U_R^T. Math.NET column-major arrays read row-major are transposes.
        double[] vColumnMajor = svd.U.ToColumnMajorArray();      // read row-major: V^T = Vt
        double[] uRtColumnMajor = svd.VT.ToColumnMajorArray();   // read row-major: U_R
        double[] vt = vColumnMajor;
        double[] uCore = uRtColumnMajor;
        double[] u = m > n ? DenseKernels.Multiply(q, false, uCore, false, m, n, n, lapack: false) : uCore;
        SortDescending(u, s, vt, m, n);
        return (u, s, vt);
    }

    /// <summary>Orders singular triplets by descending value (a no-op for Math.NET's sorted output).</summary>
    private static void SortDescending(double[] u, double[] s, double[] vt, int m, int n)
    {
        int r = s.Length;
        bool sorted = true;
        for (int k = 1; k < r && sorted; k++)
        {
            sorted = s[k - 1] >= s[k];
        }
        if (sorted)
        {
            return;
        }
        int[] order = Enumerable.Range(0, r).OrderByDescending(k => s[k]).ToArray();
        double[] s0 = (double[])s.Clone(), u0 = (double[])u.Clone(), vt0 = (double[])vt.Clone();
        for (int k = 0; k < r; k++)
        {
            int from = order[k];
            s[k] = s0[from];
            for (int i = 0; i < m; i++)
            {
                u[i * r + k] = u0[i * r + from];
            }
            Array.Copy(vt0, from * n, vt, k * n, n);
        }
    }
}
