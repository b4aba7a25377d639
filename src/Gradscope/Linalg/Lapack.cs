using System.Runtime.InteropServices;
using Gradscope.Tensors.Native;

namespace Gradscope.Linalg;

/// <summary>
/// The LAPACK and CBLAS routines of OpenBLAS that the decompositions use. LAPACK follows Fortran
/// conventions: every argument by reference, matrices column-major, and (gfortran ABI) one hidden
/// length argument per CHARACTER argument appended at the end. Callers only reach this class
/// after <see cref="LinalgSettings.UsesLapack"/> returned true.
/// </summary>
internal static unsafe partial class Lapack
{
    [LibraryImport(OpenBlasLibrary.LibraryName, EntryPoint = "dsyevd_")]
    private static partial void Dsyevd(
        byte* jobz, byte* uplo, int* n, double* a, int* lda, double* w,
        double* work, int* lwork, int* iwork, int* liwork, int* info, nuint jobzLength, nuint uploLength);

    [LibraryImport(OpenBlasLibrary.LibraryName, EntryPoint = "dgesdd_")]
    private static partial void Dgesdd(
        byte* jobz, int* m, int* n, double* a, int* lda, double* s, double* u, int* ldu, double* vt, int* ldvt,
        double* work, int* lwork, int* iwork, int* info, nuint jobzLength);

    [LibraryImport(OpenBlasLibrary.LibraryName, EntryPoint = "dgeqrf_")]
    private static partial void Dgeqrf(int* m, int* n, double* a, int* lda, double* tau, double* work, int* lwork, int* info);

    [LibraryImport(OpenBlasLibrary.LibraryName, EntryPoint = "dorgqr_")]
    private static partial void Dorgqr(int* m, int* n, int* k, double* a, int* lda, double* tau, double* work, int* lwork, int* info);

    [LibraryImport(OpenBlasLibrary.LibraryName, EntryPoint = "cblas_dgemm")]
    private static partial void CblasDgemm(
        int layout, int transA, int transB, int m, int n, int k, double alpha, double* a, int lda,
        double* b, int ldb, double beta, double* c, int ldc);

    private const int CblasRowMajor = 101;
    private const int CblasNoTrans = 111;
    private const int CblasTrans = 112;

    /// <summary>
    /// dsyevd on the symmetric matrix <paramref name="a"/> (n x n, overwritten). With vectors,
    /// on return column j of <paramref name="a"/> (column-major) is the eigenvector of w[j].
    /// Eigenvalues ascend.
    /// </summary>
    internal static void Syevd(double[] a, int n, double[] w, bool vectors)
    {
        if (n == 0)
        {
            return;
        }
        byte jobz = vectors ? (byte)'V' : (byte)'N';
        byte uplo = (byte)'L';
        int lda = n, info = 0, query = -1;
        double workSize = 0;
        int iworkSize = 0;
        fixed (double* pa = a, pw = w)
        {
            Dsyevd(&jobz, &uplo, &n, pa, &lda, pw, &workSize, &query, &iworkSize, &query, &info, 1, 1);
            Check("dsyevd (workspace query)", info);
            int lwork = WorkspaceLength(workSize);
            int liwork = Math.Max(1, iworkSize);
            var work = new double[lwork];
            var iwork = new int[liwork];
            fixed (double* pwork = work)
            fixed (int* piwork = iwork)
            {
                Dsyevd(&jobz, &uplo, &n, pa, &lda, pw, pwork, &lwork, piwork, &liwork, &info, 1, 1);
            }
        }
        Check("dsyevd", info);
    }

    /// <summary>
    /// Thin SVD of the column-major m x n matrix <paramref name="a"/> (overwritten) by dgesdd with
    /// JOBZ = 'S': u is m x r column-major, vt is r x n column-major, r = min(m, n).
    /// </summary>
    internal static void Gesdd(double[] a, int m, int n, double[] s, double[] u, double[] vt)
    {
        int r = Math.Min(m, n);
        if (r == 0)
        {
            return;
        }
        byte jobz = (byte)'S';
        int lda = m, ldu = m, ldvt = r, info = 0, query = -1;
        double workSize = 0;
        var iwork = new int[8 * r];
        fixed (double* pa = a, ps = s, pu = u, pvt = vt)
        fixed (int* piwork = iwork)
        {
            Dgesdd(&jobz, &m, &n, pa, &lda, ps, pu, &ldu, pvt, &ldvt, &workSize, &query, piwork, &info, 1);
            Check("dgesdd (workspace query)", info);
            int lwork = WorkspaceLength(workSize);
            var work = new double[lwork];
            fixed (double* pwork = work)
            {
                Dgesdd(&jobz, &m, &n, pa, &lda, ps, pu, &ldu, pvt, &ldvt, pwork, &lwork, piwork, &info, 1);
            }
        }
        Check("dgesdd", info);
    }

    /// <summary>
    /// Householder QR of the column-major m x n matrix <paramref name="a"/> (dgeqrf): R is left in the
    /// upper triangle, the reflectors below it; returns their scalar factors tau (length min(m, n)).
    /// </summary>
    internal static double[] Geqrf(double[] a, int m, int n)
    {
        int r = Math.Min(m, n);
        var tau = new double[r];
        if (r == 0)
        {
            return tau;
        }
        int lda = m, info = 0, query = -1;
        double workSize = 0;
        fixed (double* pa = a, ptau = tau)
        {
            Dgeqrf(&m, &n, pa, &lda, ptau, &workSize, &query, &info);
            Check("dgeqrf (workspace query)", info);
            int lwork = WorkspaceLength(workSize);
            var work = new double[lwork];
            fixed (double* pwork = work)
            {
                Dgeqrf(&m, &n, pa, &lda, ptau, pwork, &lwork, &info);
            }
        }
        Check("dgeqrf", info);
        return tau;
    }

    /// <summary>
    /// dorgqr after <see cref="Geqrf"/>: overwrites the first r = tau.Length columns of the
    /// column-major m x (at least r) matrix <paramref name="a"/> with the thin Q.
    /// </summary>
    internal static void Orgqr(double[] a, int m, double[] tau)
    {
        int r = tau.Length;
        if (r == 0)
        {
            return;
        }
        int lda = m, info = 0, query = -1;
        double workSize = 0;
        fixed (double* pa = a, ptau = tau)
        {
            Dorgqr(&m, &r, &r, pa, &lda, ptau, &workSize, &query, &info);
            Check("dorgqr (workspace query)", info);
            int lwork = WorkspaceLength(workSize);
            var work = new double[lwork];
            fixed (double* pwork = work)
            {
                Dorgqr(&m, &r, &r, pa, &lda, ptau, pwork, &lwork, &info);
            }
        }
        Check("dorgqr", info);
    }

    /// <summary>Row-major C (m x n) = op(A) op(B), op = transpose when asked; C is overwritten.</summary>
    internal static void Gemm(
        ReadOnlySpan<double> a, bool transposeA, ReadOnlySpan<double> b, bool transposeB,
        Span<double> c, int m, int n, int k)
    {
        if (m == 0 || n == 0)
        {
            return;
        }
        if (k == 0)
        {
            c[..(m * n)].Clear();
            return;
        }
        fixed (double* pa = a, pb = b, pc = c)
        {
            CblasDgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                m, n, k, 1.0, pa, transposeA ? m : k, pb, transposeB ? k : n, 0.0, pc, n);
        }
    }

    private static int WorkspaceLength(double queried) => Math.Max(1, (int)Math.Ceiling(queried));

    private static void Check(string routine, int info)
    {
        if (info < 0)
        {
            throw new InvalidOperationException($"LAPACK {routine}: argument {-info} had an illegal value (a Gradscope bug).");
        }
        if (info > 0)
        {
            throw new ArithmeticException($"LAPACK {routine} failed to converge (info = {info}).");
        }
    }
}
