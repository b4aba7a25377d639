using System.Numerics;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// Two independent products of the same size computed at once, one per core, each serially on
/// its thread: the backward pass of a matrix product needs dA = G op(B)ᵀ and dB = op(A)ᵀ G, which
/// have the same number of multiply-adds. For products of a few hundred thousand multiply-adds
/// (a 256 x 32 x 32 layer) splitting each product over two threads is limited by the traffic
/// between the cores (every thread of a dB = Aᵀ G product reads all of A and G) and by uneven
/// tile counts; running the two products side by side keeps each one's operands on one core.
/// Each product is computed exactly as a serial call computes it, so the results are bitwise
/// those of two separate <see cref="Gemm.Compute{T}(bool, bool, int, int, int, T, ReadOnlySpan{T}, int, ReadOnlySpan{T}, int, T, Span{T}, int)"/> calls.
/// </summary>
internal sealed unsafe class GemmPair<T> : GemmParallelWork where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Products above this many multiply-adds each keep the per-product threading (caches favour it there).</summary>
    internal static long MaxWork { get; set; } = 1L << 21;

    private readonly Product _p0;
    private readonly Product _p1;

    private GemmPair(in Product p0, in Product p1)
        : base(2)
    {
        _p0 = p0;
        _p1 = p1;
    }

    /// <summary>One plain C = op(A) op(B) product (alpha 1, beta 0) with its leading dimensions.</summary>
    internal readonly struct Product(bool transA, bool transB, int m, int n, int k, T* a, int lda, T* b, int ldb, T* c, int ldc)
    {
        public readonly bool TransA = transA;
        public readonly bool TransB = transB;
        public readonly int M = m;
        public readonly int N = n;
        public readonly int K = k;
        public readonly T* A = a;
        public readonly int Lda = lda;
        public readonly T* B = b;
        public readonly int Ldb = ldb;
        public readonly T* C = c;
        public readonly int Ldc = ldc;

        public long Work => (long)M * N * K;

        public void Run(int maxThreads) =>
            GemmManaged.Compute(TransA, TransB, M, N, K, T.One, A, Lda, B, Ldb, T.Zero, C, Ldc, maxThreads);
    }

    /// <summary>
    /// Whether a pair of products of this size runs side by side: both on the managed backend (as
    /// Auto or the caller's backend resolves them), both large enough that a single product would be
    /// threaded and small enough that splitting it is not clearly better, neither a vector product
    /// (those take the dot-product kernels), and a second core.
    /// </summary>
    internal static bool Applies(GemmBackend backend, in Product p0, in Product p1)
    {
        if (Gemm.MaxThreads < 2 || Environment.ProcessorCount < 2 || GemmWorkers.Throttled)
        {
            return false;
        }
        return Fits(backend, in p0) && Fits(backend, in p1);
    }

    private static bool Fits(GemmBackend backend, in Product p) =>
        p.M > 1 && p.N > 1 && p.K > 0 && p.Work >= GemmManaged.ParallelThreshold && p.Work <= MaxWork
        && Gemm.Resolve<T>(backend, p.TransA, p.TransB, p.M, p.N, p.K) == GemmBackend.Managed;

    /// <summary>Computes both products, one per thread when a helper is free (the caller does both otherwise).</summary>
    internal static void Run(in Product p0, in Product p1) => new GemmPair<T>(in p0, in p1).Run(1);

    protected override void RunChunk(int index)
    {
        if (index == 0)
        {
            _p0.Run(1);
        }
        else
        {
            _p1.Run(1);
        }
    }
}
