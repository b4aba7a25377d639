using System.Numerics;
using System.Runtime.InteropServices;
using Gradscope.Tensors.Native;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// GEMM through OpenBLAS's CBLAS interface (row-major, so no transposition tricks are needed).
/// Callers check <see cref="OpenBlasLibrary.IsAvailable"/> first; OpenBLAS chooses its own thread
/// count (2 here) and its own small-matrix kernels.
/// </summary>
internal static unsafe partial class GemmOpenBlas
{
    private const int CblasRowMajor = 101;
    private const int CblasNoTrans = 111;
    private const int CblasTrans = 112;

    public static void Compute<T>(bool transA, bool transB, int m, int n, int k, T alpha,
        T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        if (typeof(T) == typeof(double))
        {
            CblasDgemm(CblasRowMajor, ta, tb, m, n, k, double.CreateTruncating(alpha), (double*)a, lda,
                (double*)b, ldb, double.CreateTruncating(beta), (double*)c, ldc);
        }
        else
        {
            CblasSgemm(CblasRowMajor, ta, tb, m, n, k, float.CreateTruncating(alpha), (float*)a, lda,
                (float*)b, ldb, float.CreateTruncating(beta), (float*)c, ldc);
        }
    }

    /// <summary>OpenBLAS's current thread count (diagnostics for the benchmark output).</summary>
    public static int ThreadCount => OpenBlasGetNumThreads();

    [LibraryImport(OpenBlasLibrary.LibraryName, EntryPoint = "cblas_dgemm")]
    private static partial void CblasDgemm(int order, int transA, int transB, int m, int n, int k,
        double alpha, double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);

    [LibraryImport(OpenBlasLibrary.LibraryName, EntryPoint = "cblas_sgemm")]
    private static partial void CblasSgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(OpenBlasLibrary.LibraryName, EntryPoint = "openblas_get_num_threads")]
    private static partial int OpenBlasGetNumThreads();
}
