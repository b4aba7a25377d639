using System.Numerics;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// Runs the products of a strided batch on several threads, each product serially on one thread,
/// in chunks claimed by the caller and the GEMM helpers (<see cref="GemmParallelWork"/>). Every
/// product is computed exactly as an unbatched serial call would compute it.
/// </summary>
internal sealed unsafe class GemmBatchParallel<T> : GemmParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly bool _transA;
    private readonly bool _transB;
    private readonly int _m;
    private readonly int _n;
    private readonly int _k;
    private readonly T _alpha;
    private readonly T _beta;
    private readonly T* _a;
    private readonly T* _b;
    private readonly T* _c;
    private readonly int _lda;
    private readonly int _ldb;
    private readonly int _ldc;
    private readonly long _strideA;
    private readonly long _strideB;
    private readonly long _strideC;
    private readonly int _batch;
    private readonly int _chunk;

    private GemmBatchParallel(bool transA, bool transB, int m, int n, int k, T alpha, T* a, int lda, long strideA,
        T* b, int ldb, long strideB, T beta, T* c, int ldc, long strideC, int batch, int chunk)
        : base((batch + chunk - 1) / chunk)
    {
        (_transA, _transB, _m, _n, _k, _alpha, _beta) = (transA, transB, m, n, k, alpha, beta);
        _a = a;
        _b = b;
        _c = c;
        (_lda, _ldb, _ldc) = (lda, ldb, ldc);
        (_strideA, _strideB, _strideC, _batch, _chunk) = (strideA, strideB, strideC, batch, chunk);
    }

    public static void Run(bool transA, bool transB, int m, int n, int k, T alpha, T* a, int lda, long strideA,
        T* b, int ldb, long strideB, T beta, T* c, int ldc, long strideC, int batch, int threads)
    {
        // About four chunks per thread: enough to balance, few enough to keep the counter cold.
        int chunk = Math.Max(1, batch / (4 * threads));
        new GemmBatchParallel<T>(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB,
            beta, c, ldc, strideC, batch, chunk).Run(threads - 1);
    }

    protected override void RunChunk(int index)
    {
        int end = Math.Min(_batch, (index + 1) * _chunk);
        for (int i = index * _chunk; i < end; i++)
        {
            GemmManaged.Compute(_transA, _transB, _m, _n, _k, _alpha, _a + i * _strideA, _lda,
                _b + i * _strideB, _ldb, _beta, _c + i * _strideC, _ldc, maxThreads: 1);
        }
    }
}
