using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// Matrix-vector products. n = 1 with A not transposed (or m = 1 with B transposed): dot products
/// vectorised along k. m = 1 with B not transposed (or n = 1 with A transposed and ldc = 1): a row
/// vector times a row-major matrix, eight vectors of columns at a time.
/// The tile kernels vectorise along n, so a single output column would use one lane in eight
/// (float64) and a single row would run one FMA chain latency-bound; here every lane works.
/// Each output element is one dot product with a fixed reduction tree (two interleaved vector
/// accumulators over k, a masked tail, then the horizontal sum), computed the same way whichever
/// thread and row group it falls in, so results stay bitwise independent of the thread count.
/// (The tree depends on the vector width, so unlike the tile kernels this path is not bitwise
/// equal to the scalar fallback.) Used only when both operands are contiguous along k.
/// </summary>
internal static unsafe class GemmDot
{
    /// <summary>Products with fewer multiply-adds than this run on one thread.</summary>
    internal static long ParallelThreshold { get; set; } = 1L << 18;

    /// <summary>
    /// Computes the product when it is a GEMV with both operands contiguous along k and AVX-512 is
    /// available; returns false (nothing written) otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryCompute<T>(in GemmJob<T> job, int maxThreads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return false;
        }
        T* rows;
        nint rowStride;
        T* x;
        T* c;
        nint cStride;
        int count;
        if (job.N == 1)
        {
            // C[i, 0] = op(A)[i, :] . op(B)[:, 0]
            bool xContiguous = job.TransB || job.Ldb == 1;
            if (!job.TransA && xContiguous)
            {
                rows = job.A;
                rowStride = job.Lda;
                x = job.B;
                c = job.C;
                cStride = job.Ldc;
                count = job.M;
            }
            else if (job.TransA && job.Ldc == 1)
            {
                // C[:, 0]^T = op(B)[:, 0]^T A with A stored k x m: a vector times a row-major matrix,
                // written as one contiguous row because ldc == 1.
                VectorTimesMatrix(job.B, job.TransB ? 1 : job.Ldb, job.A, job.Lda, job.K, job.C, job.M,
                    job.Alpha, job.Beta, maxThreads);
                return true;
            }
            else
            {
                return false;
            }
        }
        else if (job.M == 1 && job.TransB)
        {
            // C[0, j] = op(A)[0, :] . B[j, :]
            bool xContiguous = !job.TransA || job.Lda == 1;
            if (!xContiguous)
            {
                return false;
            }
            rows = job.B;
            rowStride = job.Ldb;
            x = job.A;
            c = job.C;
            cStride = 1;
            count = job.N;
        }
        else if (job.M == 1)
        {
            // C[0, :] = op(A)[0, :] B with B stored k x n.
            VectorTimesMatrix(job.A, job.TransA ? job.Lda : 1, job.B, job.Ldb, job.K, job.C, job.N,
                job.Alpha, job.Beta, maxThreads);
            return true;
        }
        else
        {
            return false;
        }

        long work = (long)count * job.K;
        int threads = work < ParallelThreshold || maxThreads <= 1 ? 1 : Math.Min(maxThreads, Environment.ProcessorCount);
        if (threads == 1)
        {
            Rows(rows, rowStride, x, job.K, c, cStride, 0, count, job.Alpha, job.Beta);
            return true;
        }
        // Row groups of four, split evenly; each element's arithmetic does not depend on the split.
        new DotWork<T>(rows, rowStride, x, job.K, c, cStride, count, job.Alpha, job.Beta, threads, columns: false).Run(threads - 1);
        return true;
    }

    /// <summary>c[i*cStride] = alpha * dot(rows + i*rowStride, x) + beta * c[i*cStride] for i in [start, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<T>(T* rows, nint rowStride, T* x, int k, T* c, nint cStride, int start, int end, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        int full = k / (2 * w) * (2 * w);
        var m0 = GemmSimd.TailMask<T>(k - full);
        var m1 = GemmSimd.TailMask<T>(k - full - w);
        int i = start;
        for (; i + 4 <= end; i += 4)
        {
            T* r0 = rows + i * rowStride, r1 = r0 + rowStride, r2 = r1 + rowStride, r3 = r2 + rowStride;
            Vector512<T> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector512<T> a20 = default, a21 = default, a30 = default, a31 = default;
            for (int p = 0; p < full; p += 2 * w)
            {
                var x0 = Vector512.Load(x + p);
                var x1 = Vector512.Load(x + p + w);
                a00 = GemmSimd.Fma(Vector512.Load(r0 + p), x0, a00);
                a01 = GemmSimd.Fma(Vector512.Load(r0 + p + w), x1, a01);
                a10 = GemmSimd.Fma(Vector512.Load(r1 + p), x0, a10);
                a11 = GemmSimd.Fma(Vector512.Load(r1 + p + w), x1, a11);
                a20 = GemmSimd.Fma(Vector512.Load(r2 + p), x0, a20);
                a21 = GemmSimd.Fma(Vector512.Load(r2 + p + w), x1, a21);
                a30 = GemmSimd.Fma(Vector512.Load(r3 + p), x0, a30);
                a31 = GemmSimd.Fma(Vector512.Load(r3 + p + w), x1, a31);
            }
            if (full < k)
            {
                var x0 = GemmSimd.MaskLoad(x + full, m0);
                var x1 = GemmSimd.MaskLoad(x + full + w, m1);
                a00 = GemmSimd.Fma(GemmSimd.MaskLoad(r0 + full, m0), x0, a00);
                a01 = GemmSimd.Fma(GemmSimd.MaskLoad(r0 + full + w, m1), x1, a01);
                a10 = GemmSimd.Fma(GemmSimd.MaskLoad(r1 + full, m0), x0, a10);
                a11 = GemmSimd.Fma(GemmSimd.MaskLoad(r1 + full + w, m1), x1, a11);
                a20 = GemmSimd.Fma(GemmSimd.MaskLoad(r2 + full, m0), x0, a20);
                a21 = GemmSimd.Fma(GemmSimd.MaskLoad(r2 + full + w, m1), x1, a21);
                a30 = GemmSimd.Fma(GemmSimd.MaskLoad(r3 + full, m0), x0, a30);
                a31 = GemmSimd.Fma(GemmSimd.MaskLoad(r3 + full + w, m1), x1, a31);
            }
            Store(c + i * cStride, Vector512.Sum(a00 + a01), alpha, beta);
            Store(c + (i + 1) * cStride, Vector512.Sum(a10 + a11), alpha, beta);
            Store(c + (i + 2) * cStride, Vector512.Sum(a20 + a21), alpha, beta);
            Store(c + (i + 3) * cStride, Vector512.Sum(a30 + a31), alpha, beta);
        }
        for (; i < end; i++)
        {
            // The same per-row arithmetic as the four-row group above.
            T* r0 = rows + i * rowStride;
            Vector512<T> a00 = default, a01 = default;
            for (int p = 0; p < full; p += 2 * w)
            {
                a00 = GemmSimd.Fma(Vector512.Load(r0 + p), Vector512.Load(x + p), a00);
                a01 = GemmSimd.Fma(Vector512.Load(r0 + p + w), Vector512.Load(x + p + w), a01);
            }
            if (full < k)
            {
                a00 = GemmSimd.Fma(GemmSimd.MaskLoad(r0 + full, m0), GemmSimd.MaskLoad(x + full, m0), a00);
                a01 = GemmSimd.Fma(GemmSimd.MaskLoad(r0 + full + w, m1), GemmSimd.MaskLoad(x + full + w, m1), a01);
            }
            Store(c + i * cStride, Vector512.Sum(a00 + a01), alpha, beta);
        }
    }

    /// <summary>
    /// c[0..n) = alpha * x^T M + beta * c with x[p] at <c>x + p*xStride</c> and M row-major k x n
    /// (leading dimension <paramref name="ld"/>): eight vectors of columns at a time, so eight
    /// independent FMA chains hide the FMA latency (the tile kernel's one-row tile would have two).
    /// Each element is summed in increasing p, one FMA per term, whichever block and thread it is in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void VectorTimesMatrix<T>(T* x, nint xStride, T* matrix, nint ld, int k, T* c, int n,
        T alpha, T beta, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        int blocks = (n + 8 * w - 1) / (8 * w);
        int threads = (long)n * k < ParallelThreshold || maxThreads <= 1 || blocks < 2
            ? 1 : Math.Min(Math.Min(maxThreads, Environment.ProcessorCount), blocks);
        if (threads == 1)
        {
            Columns(x, xStride, matrix, ld, k, c, 0, n, alpha, beta);
            return;
        }
        new DotWork<T>(matrix, ld, x, k, c, xStride, n, alpha, beta, threads, columns: true).Run(threads - 1);
    }

    /// <summary>
    /// A threaded matrix-vector product: chunk s covers rows (groups of four) or columns (blocks of
    /// eight vectors) [start, end) of the output; element arithmetic does not depend on the split.
    /// </summary>
    private sealed class DotWork<T> : GemmParallelWork where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _m;
        private readonly nint _ld;
        private readonly T* _x;
        private readonly int _k;
        private readonly T* _c;
        private readonly nint _stride;
        private readonly int _count;
        private readonly T _alpha;
        private readonly T _beta;
        private readonly int _chunks;
        private readonly bool _columns;

        public DotWork(T* matrix, nint ld, T* x, int k, T* c, nint stride, int count, T alpha, T beta, int chunks, bool columns)
            : base(chunks)
        {
            _m = matrix;
            _ld = ld;
            _x = x;
            _k = k;
            _c = c;
            _stride = stride;
            _count = count;
            _alpha = alpha;
            _beta = beta;
            _chunks = chunks;
            _columns = columns;
        }

        protected override void RunChunk(int s)
        {
            int unit = _columns ? 8 * Vector512<T>.Count : 4;
            int units = (_count + unit - 1) / unit;
            int start = (int)((long)units * s / _chunks) * unit;
            int end = Math.Min(_count, (int)((long)units * (s + 1) / _chunks) * unit);
            if (_columns)
            {
                // Here _stride is the stride of x; the output row is contiguous.
                Columns(_x, _stride, _m, _ld, _k, _c, start, end, _alpha, _beta);
            }
            else
            {
                Rows(_m, _ld, _x, _k, _c, _stride, start, end, _alpha, _beta);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns<T>(T* x, nint xStride, T* b, nint ldb, int k, T* c, int start, int end, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        bool betaZero = beta == T.Zero;
        for (int j = start; j < end; j += 8 * w)
        {
            // Lane masks: all ones inside [j, end), zero past it (full blocks get all-ones masks).
            int rem = end - j;
            var k0 = GemmSimd.TailMask<T>(rem);
            var k1 = GemmSimd.TailMask<T>(rem - w);
            var k2 = GemmSimd.TailMask<T>(rem - 2 * w);
            var k3 = GemmSimd.TailMask<T>(rem - 3 * w);
            var k4 = GemmSimd.TailMask<T>(rem - 4 * w);
            var k5 = GemmSimd.TailMask<T>(rem - 5 * w);
            var k6 = GemmSimd.TailMask<T>(rem - 6 * w);
            var k7 = GemmSimd.TailMask<T>(rem - 7 * w);
            Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default;
            Vector512<T> c4 = default, c5 = default, c6 = default, c7 = default;
            T* bp = b + j;
            T* xp = x;
            for (int p = 0; p < k; p++)
            {
                var xv = Vector512.Create(*xp);
                c0 = GemmSimd.Fma(xv, GemmSimd.MaskLoad(bp, k0), c0);
                c1 = GemmSimd.Fma(xv, GemmSimd.MaskLoad(bp + w, k1), c1);
                c2 = GemmSimd.Fma(xv, GemmSimd.MaskLoad(bp + 2 * w, k2), c2);
                c3 = GemmSimd.Fma(xv, GemmSimd.MaskLoad(bp + 3 * w, k3), c3);
                c4 = GemmSimd.Fma(xv, GemmSimd.MaskLoad(bp + 4 * w, k4), c4);
                c5 = GemmSimd.Fma(xv, GemmSimd.MaskLoad(bp + 5 * w, k5), c5);
                c6 = GemmSimd.Fma(xv, GemmSimd.MaskLoad(bp + 6 * w, k6), c6);
                c7 = GemmSimd.Fma(xv, GemmSimd.MaskLoad(bp + 7 * w, k7), c7);
                bp += ldb;
                xp += xStride;
            }
            T* cp = c + j;
            StoreMasked(cp, c0, k0, va, vb, betaZero);
            StoreMasked(cp + w, c1, k1, va, vb, betaZero);
            StoreMasked(cp + 2 * w, c2, k2, va, vb, betaZero);
            StoreMasked(cp + 3 * w, c3, k3, va, vb, betaZero);
            StoreMasked(cp + 4 * w, c4, k4, va, vb, betaZero);
            StoreMasked(cp + 5 * w, c5, k5, va, vb, betaZero);
            StoreMasked(cp + 6 * w, c6, k6, va, vb, betaZero);
            StoreMasked(cp + 7 * w, c7, k7, va, vb, betaZero);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreMasked<T>(T* c, Vector512<T> acc, Vector512<T> mask, Vector512<T> alpha, Vector512<T> beta, bool betaZero)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var value = betaZero ? alpha * acc : GemmSimd.Fma(alpha, acc, beta * GemmSimd.MaskLoad(c, mask));
        GemmSimd.MaskStore(c, value, mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(T* c, T dot, T alpha, T beta) where T : unmanaged, IFloatingPointIeee754<T>
        => *c = beta == T.Zero ? alpha * dot : T.FusedMultiplyAdd(alpha, dot, beta * *c);
}
