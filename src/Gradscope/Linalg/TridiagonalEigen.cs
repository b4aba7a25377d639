using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gradscope.Linalg;

/// <summary>
/// Managed symmetric eigensolver: Householder reduction to tridiagonal form, then the implicit
/// QL algorithm with Wilkinson-type shifts (EISPACK tred2/tql2; Golub and Van Loan, Matrix
/// Computations, 4th ed., Alg. 8.3.1 and §8.3.5). Both steps are backward stable.
/// Written for speed on row-major data rather than ported line by line:
/// the reduction uses contiguous rows (full symmetric storage, vectorised dot/rank-2 updates,
/// rows split across cores); the QL iteration runs on the tridiagonal matrix alone and only
/// records its plane rotations, which are then applied to the eigenvector matrix in column
/// blocks that stay in cache, one block per task. Rotations depend only on the tridiagonal
/// matrix, so deferring them is exact.
/// </summary>
internal static class TridiagonalEigen
{
    private const int MaxIterationsPerEigenvalue = 50;

    /// <summary>
    /// Eigenvalues ascending and, if <paramref name="vectors"/>, eigenvectors as the columns of a
    /// row-major n x n matrix. <paramref name="a"/> (symmetric, row-major) is destroyed.
    /// </summary>
    /// <param name="a">Symmetric, row-major; destroyed.</param>
    /// <param name="n">Order.</param>
    /// <param name="vectors">Whether to compute eigenvectors.</param>
    /// <param name="rotationBatch">Rotations logged before they are applied (memory bound; 4M = 64 MB).</param>
    internal static (double[] Values, double[] Vectors) Decompose(double[] a, int n, bool vectors, int rotationBatch = 1 << 22)
    {
        if (n == 0)
        {
            return ([], []);
        }
        var d = new double[n];
        var e = new double[n];
        var tau = new double[n];
        Tridiagonalize(a, n, d, e, tau);
        // Rows of zt are the columns of Z = Q W: Q (the product of the reflectors) times the
        // QL rotations W, which are logged and applied in batches.
        double[]? zt = vectors ? FormQTransposed(a, n, tau) : null;
        RotationLog? log = vectors ? new RotationLog(rotationBatch, n) : null;
        ImplicitQl(d, e, log, zt);

        int[] order = Enumerable.Range(0, n).ToArray();
        Array.Sort((double[])d.Clone(), order);
        var values = new double[n];
        for (int j = 0; j < n; j++)
        {
            values[j] = d[order[j]];
        }
        if (!vectors)
        {
            return (values, []);
        }

        var v = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            int src = order[j] * n;
            for (int i = 0; i < n; i++)
            {
                v[i * n + j] = zt![src + i];
            }
        }
        return (values, v);
    }

    /// <summary>
    /// A = Q T Q^T with Q = H_0 H_1 ... H_{n-3}, H_k = I - tau_k v_k v_k^T acting on coordinates
    /// k+1..n-1. On return d is the diagonal of T, e[k] = T[k+1, k] (e[n-1] = 0), and row k of
    /// <paramref name="a"/> holds v_k in columns k+1.. (with v_k[0] = 1 stored explicitly).
    /// </summary>
    private static void Tridiagonalize(double[] a, int n, double[] d, double[] e, double[] tau)
    {
        var w = new double[n];
        for (int k = 0; k + 2 < n; k++)
        {
            d[k] = a[k * n + k];
            int m = n - k - 1;
            // Row k right of the diagonal is column k below it (symmetry): the vector to reflect.
            Span<double> x = a.AsSpan(k * n + k + 1, m);
            (double t, double beta) = Householder.Make(x);
            tau[k] = t;
            e[k] = beta;
            if (t == 0)
            {
                continue;
            }

            // Two-sided update of the trailing block B (rows/cols k+1..), Golub and Van Loan (8.3.1):
            // p = t B v, w = p - (t/2)(p.v) v, B -= v w^T + w v^T.
            int offset = k + 1, vStart = k * n + k + 1;
            Householder.ParallelRows(offset, n, m, (from, to) => SymmetricProductRows(a, n, offset, vStart, t, w, from, to));
            double pv = Blas1.Dot(w.AsSpan(offset, m), a.AsSpan(vStart, m));
            Blas1.Axpy(-0.5 * t * pv, a.AsSpan(vStart, m), w.AsSpan(offset, m));
            Householder.ParallelRows(offset, n, m, (from, to) => RankTwoUpdateRows(a, n, offset, vStart, w, from, to));
        }
        if (n >= 2)
        {
            d[n - 2] = a[(n - 2) * n + n - 2];
            e[n - 2] = a[(n - 2) * n + n - 1];
        }
        d[n - 1] = a[(n - 1) * n + n - 1];
        e[n - 1] = 0;
    }

    /// <summary>p_i = t (B v)_i for rows i in [from, to), B = a[offset.., offset..], v = a[vStart..].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SymmetricProductRows(double[] a, int n, int offset, int vStart, double t, double[] p, int from, int to)
    {
        int m = n - offset;
        ReadOnlySpan<double> v = a.AsSpan(vStart, m);
        for (int i = from; i < to; i++)
        {
            p[i] = t * Blas1.Dot(a.AsSpan(i * n + offset, m), v);
        }
    }

    /// <summary>B[i, :] -= v_i w + w_i v for rows i in [from, to).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RankTwoUpdateRows(double[] a, int n, int offset, int vStart, double[] w, int from, int to)
    {
        int m = n - offset;
        ReadOnlySpan<double> v = a.AsSpan(vStart, m);
        ReadOnlySpan<double> wTail = w.AsSpan(offset, m);
        for (int i = from; i < to; i++)
        {
            Blas1.Axpy2(-v[i - offset], wTail, -w[i], v, a.AsSpan(i * n + offset, m));
        }
    }

    /// <summary>Rows of the result are the columns of Q = H_0 ... H_{n-3} (backward accumulation).</summary>
    private static double[] FormQTransposed(double[] a, int n, double[] tau)
    {
        var qt = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            qt[j * n + j] = 1;
        }
        for (int k = n - 3; k >= 0; k--)
        {
            double t = tau[k];
            if (t == 0)
            {
                continue;
            }
            int offset = k + 1, m = n - k - 1, vStart = k * n + k + 1;
            // Columns j <= k of the partial product are still unit vectors e_j, untouched by H_k.
            Householder.ParallelRows(offset, n, m, (from, to) => Householder.ApplyToRows(a, vStart, m, t, qt, n, offset, from, to));
        }
        return qt;
    }

    /// <summary>
    /// Implicit QL iteration on the symmetric tridiagonal (d, e), e[i] = T[i+1, i], in the form
    /// of EISPACK's tql2 (Bowdler, Martin, Reinsch and Wilkinson, Numer. Math. 11, 1968). On
    /// return d holds the (unsorted) eigenvalues. Each plane rotation acting on coordinates
    /// (i, i+1) is appended to <paramref name="log"/> in the order it must be applied, and the
    /// log is applied to the rows of <paramref name="zt"/> whenever it grows large and at the end
    /// (so its memory stays bounded; batching does not change the order of operations).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ImplicitQl(double[] d, double[] e, RotationLog? log, double[]? zt)
    {
        int n = d.Length;
        double shiftSum = 0, norm = 0;
        const double eps = 1.0 / (1L << 52);   // unit roundoff x 2, as in tql2
        for (int l = 0; l < n; l++)
        {
            norm = Math.Max(norm, Math.Abs(d[l]) + Math.Abs(e[l]));
            int m = l;
            while (m < n && Math.Abs(e[m]) > eps * norm)
            {
                m++;   // e[n-1] = 0 stops this at n-1
            }
            if (m > l)
            {
                int iterations = 0;
                do
                {
                    if (++iterations > MaxIterationsPerEigenvalue)
                    {
                        throw new ArithmeticException(
                            $"Symmetric eigensolver: QL iteration did not converge for eigenvalue {l} of {n}.");
                    }
                    // Shift from the leading 2 x 2 block (Wilkinson).
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = double.Hypot(p, 1.0);
                    if (p < 0)
                    {
                        r = -r;
                    }
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++)
                    {
                        d[i] -= h;
                    }
                    shiftSum += h;

                    // One QL sweep from the bottom of the unreduced block up to l: rotations on
                    // coordinates (m-1, m), (m-2, m-1), ..., (l, l+1).
                    log?.BeginSweep(m - 1);
                    p = d[m];
                    double c = 1.0, c2 = 1.0, c3 = 1.0, s = 0.0, s2 = 0.0;
                    double el1 = e[l + 1];
                    for (int i = m - 1; i >= l; i--)
                    {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = double.Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        log?.Add(c, s);
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                    if (log is not null && log.Count >= log.Batch)
                    {
                        ApplyRotations(zt!, n, log);
                        log.Clear();
                    }
                }
                while (Math.Abs(e[l]) > eps * norm);
            }
            d[l] += shiftSum;
            e[l] = 0;
        }
        if (log is not null)
        {
            ApplyRotations(zt!, n, log);
            log.Clear();
        }
    }

    /// <summary>
    /// Applies the logged rotations, in order, to rows (i, i+1) of <paramref name="zt"/>:
    /// z_{i+1} := s z_i + c z_{i+1}, z_i := c z_i - s z_{i+1}. The work splits into independent
    /// column blocks, processed in parallel; within a block each sweep is one chain of rotations
    /// whose shared row is carried in registers (a store-to-load round trip per rotation would
    /// otherwise bound the speed). Every element sees the same operations in the same order
    /// whatever the blocking, so the result does not depend on vector width or thread count.
    /// </summary>
    private static void ApplyRotations(double[] zt, int n, RotationLog log)
    {
        int group = Vector512.IsHardwareAccelerated ? 4 * Vector512<double>.Count
            : Vector256.IsHardwareAccelerated ? 4 * Vector256<double>.Count
            : 16;
        int blocks = (n + group - 1) / group;
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = (long)log.Count * n < 1 << 20 ? 1 : Environment.ProcessorCount,
        };
        Parallel.For(0, blocks, options, b =>
        {
            int c0 = b * group;
            int width = Math.Min(group, n - c0);
            ref double column = ref zt[c0];
            for (int w = 0; w < log.SweepCount; w++)
            {
                (int top, int offset, int count) = log.Sweep(w);
                ReadOnlySpan<double> cos = log.Cos.AsSpan(offset, count);
                ReadOnlySpan<double> sin = log.Sin.AsSpan(offset, count);
                if (width == group && Vector512.IsHardwareAccelerated)
                {
                    Chain512(ref column, n, top, cos, sin);
                }
                else if (width == group && Vector256.IsHardwareAccelerated)
                {
                    Chain256(ref column, n, top, cos, sin);
                }
                else
                {
                    for (int t = 0; t < width; t++)
                    {
                        ChainScalar(ref Unsafe.Add(ref column, t), n, top, cos, sin);
                    }
                }
            }
        });
    }

    // A chain applies rotations on rows (top, top+1), (top-1, top), ... to one column strip that
    // starts at 'column' (row stride n). The lower row of each rotation is the carried value.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ChainScalar(ref double column, int n, int top, ReadOnlySpan<double> cos, ReadOnlySpan<double> sin)
    {
        nint stride = n;
        nint row = (top + 1) * stride;
        double y = Unsafe.Add(ref column, row);
        for (int r = 0; r < cos.Length; r++)
        {
            double c = cos[r], s = sin[r];
            double x = Unsafe.Add(ref column, row - stride);
            Unsafe.Add(ref column, row) = s * x + c * y;
            y = c * x - s * y;
            row -= stride;
        }
        Unsafe.Add(ref column, row) = y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Chain256(ref double column, int n, int top, ReadOnlySpan<double> cos, ReadOnlySpan<double> sin)
    {
        const int w = 4;   // Vector256<double>.Count; four independent strips hide the FP latency
        nuint stride = (nuint)n;
        nuint row = (nuint)(top + 1) * stride;
        var y0 = Vector256.LoadUnsafe(ref column, row);
        var y1 = Vector256.LoadUnsafe(ref column, row + w);
        var y2 = Vector256.LoadUnsafe(ref column, row + 2 * w);
        var y3 = Vector256.LoadUnsafe(ref column, row + 3 * w);
        for (int r = 0; r < cos.Length; r++)
        {
            var c = Vector256.Create(cos[r]);
            var s = Vector256.Create(sin[r]);
            nuint up = row - stride;
            var x0 = Vector256.LoadUnsafe(ref column, up);
            var x1 = Vector256.LoadUnsafe(ref column, up + w);
            var x2 = Vector256.LoadUnsafe(ref column, up + 2 * w);
            var x3 = Vector256.LoadUnsafe(ref column, up + 3 * w);
            (s * x0 + c * y0).StoreUnsafe(ref column, row);
            (s * x1 + c * y1).StoreUnsafe(ref column, row + w);
            (s * x2 + c * y2).StoreUnsafe(ref column, row + 2 * w);
            (s * x3 + c * y3).StoreUnsafe(ref column, row + 3 * w);
            y0 = c * x0 - s * y0;
            y1 = c * x1 - s * y1;
            y2 = c * x2 - s * y2;
            y3 = c * x3 - s * y3;
            row = up;
        }
        y0.StoreUnsafe(ref column, row);
        y1.StoreUnsafe(ref column, row + w);
        y2.StoreUnsafe(ref column, row + 2 * w);
        y3.StoreUnsafe(ref column, row + 3 * w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Chain512(ref double column, int n, int top, ReadOnlySpan<double> cos, ReadOnlySpan<double> sin)
    {
        const int w = 8;   // Vector512<double>.Count
        nuint stride = (nuint)n;
        nuint row = (nuint)(top + 1) * stride;
        var y0 = Vector512.LoadUnsafe(ref column, row);
        var y1 = Vector512.LoadUnsafe(ref column, row + w);
        var y2 = Vector512.LoadUnsafe(ref column, row + 2 * w);
        var y3 = Vector512.LoadUnsafe(ref column, row + 3 * w);
        for (int r = 0; r < cos.Length; r++)
        {
            var c = Vector512.Create(cos[r]);
            var s = Vector512.Create(sin[r]);
            nuint up = row - stride;
            var x0 = Vector512.LoadUnsafe(ref column, up);
            var x1 = Vector512.LoadUnsafe(ref column, up + w);
            var x2 = Vector512.LoadUnsafe(ref column, up + 2 * w);
            var x3 = Vector512.LoadUnsafe(ref column, up + 3 * w);
            (s * x0 + c * y0).StoreUnsafe(ref column, row);
            (s * x1 + c * y1).StoreUnsafe(ref column, row + w);
            (s * x2 + c * y2).StoreUnsafe(ref column, row + 2 * w);
            (s * x3 + c * y3).StoreUnsafe(ref column, row + 3 * w);
            y0 = c * x0 - s * y0;
            y1 = c * x1 - s * y1;
            y2 = c * x2 - s * y2;
            y3 = c * x3 - s * y3;
            row = up;
        }
        y0.StoreUnsafe(ref column, row);
        y1.StoreUnsafe(ref column, row + w);
        y2.StoreUnsafe(ref column, row + 2 * w);
        y3.StoreUnsafe(ref column, row + 3 * w);
    }

    /// <summary>
    /// The rotations of the QL sweeps, in application order: sweep k starts at coordinate pair
    /// (top, top + 1) and moves up one pair per rotation.
    /// </summary>
    private sealed class RotationLog(int batch, int n)
    {
        /// <summary>The log is applied and cleared once it holds this many rotations (checked after each sweep).</summary>
        public int Batch { get; } = Math.Max(1, batch);

        private int[] _sweepTop = new int[64];
        private int[] _sweepOffset = new int[64];

        // A sweep adds at most n - 1 rotations after the last check, so Batch + n always suffices.
        public double[] Cos { get; private set; } = new double[Math.Min(Math.Max(16, 8 * n), Math.Max(1, batch) + n)];
        public double[] Sin { get; private set; } = new double[Math.Min(Math.Max(16, 8 * n), Math.Max(1, batch) + n)];

        public void Clear()
        {
            Count = 0;
            SweepCount = 0;
        }
        public int Count { get; private set; }
        public int SweepCount { get; private set; }

        public (int Top, int Offset, int Count) Sweep(int k)
        {
            int end = k + 1 < SweepCount ? _sweepOffset[k + 1] : Count;
            return (_sweepTop[k], _sweepOffset[k], end - _sweepOffset[k]);
        }

        public void BeginSweep(int top)
        {
            if (SweepCount == _sweepTop.Length)
            {
                Array.Resize(ref _sweepTop, 2 * SweepCount);
                Array.Resize(ref _sweepOffset, 2 * SweepCount);
            }
            _sweepTop[SweepCount] = top;
            _sweepOffset[SweepCount] = Count;
            SweepCount++;
        }

        public void Add(double c, double s)
        {
            if (Count == Cos.Length)
            {
                var cos = Cos;
                var sin = Sin;
                int size = Math.Max(Count + 1, Math.Min(2 * Count, Batch + n));
                Array.Resize(ref cos, size);
                Array.Resize(ref sin, size);
                (Cos, Sin) = (cos, sin);
            }
            Cos[Count] = c;
            Sin[Count] = s;
            Count++;
        }
    }
}
