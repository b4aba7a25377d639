using System.Numerics;
using System.Runtime.ExceptionServices;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// Runs the products of a strided batch on several threads, each product serially on one thread.
/// Products are claimed in chunks with an interlocked counter (the caller works too, so a late
/// worker costs nothing); every product is computed exactly as an unbatched serial call would.
/// </summary>
internal sealed unsafe class GemmBatchParallel<T> : IThreadPoolWorkItem
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
    private int _next = -1;
    private int _done;
    private readonly int _chunks;
    private Exception? _error;

    private GemmBatchParallel(bool transA, bool transB, int m, int n, int k, T alpha, T* a, int lda, long strideA,
        T* b, int ldb, long strideB, T beta, T* c, int ldc, long strideC, int batch, int threads)
    {
        (_transA, _transB, _m, _n, _k, _alpha, _beta) = (transA, transB, m, n, k, alpha, beta);
        _a = a;
        _b = b;
        _c = c;
        (_lda, _ldb, _ldc) = (lda, ldb, ldc);
        (_strideA, _strideB, _strideC, _batch) = (strideA, strideB, strideC, batch);
        // About four chunks per thread: enough to balance, few enough to keep the counter cold.
        _chunk = Math.Max(1, batch / (4 * threads));
        _chunks = (batch + _chunk - 1) / _chunk;
    }

    public static void Run(bool transA, bool transB, int m, int n, int k, T alpha, T* a, int lda, long strideA,
        T* b, int ldb, long strideB, T beta, T* c, int ldc, long strideC, int batch, int threads)
    {
        var work = new GemmBatchParallel<T>(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB,
            beta, c, ldc, strideC, batch, threads);
        for (int i = 1; i < threads; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: false);
        }
        work.Execute();
        var spin = new SpinWait();
        while (Volatile.Read(ref work._done) < work._chunks)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        if (work._error is { } error)
        {
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    public void Execute()
    {
        int s;
        while ((s = Interlocked.Increment(ref _next)) < _chunks)
        {
            try
            {
                int end = Math.Min(_batch, (s + 1) * _chunk);
                for (int i = s * _chunk; i < end; i++)
                {
                    GemmManaged.Compute(_transA, _transB, _m, _n, _k, _alpha, _a + i * _strideA, _lda,
                        _b + i * _strideB, _ldb, _beta, _c + i * _strideC, _ldc, maxThreads: 1);
                }
            }
            catch (Exception e)
            {
                _error ??= e;
            }
            finally
            {
                Interlocked.Increment(ref _done);
            }
        }
    }
}
