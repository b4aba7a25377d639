using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Ensembles;

/// <summary>
/// The elementwise pieces of a replica's step that the solo graph runs as several tensor ops, fused
/// into one pass each. Every lane does the solo ops' arithmetic in the solo order (IEEE operations
/// round the same in a vector lane as in a scalar), so the results are bitwise those of the ops.
/// </summary>
internal static class ReplicaKernels
{
    /// <summary>Rows of a [rows, cols] block plus a bias row (Add broadcasting [cols] over the rows).</summary>
    public static void AddRowVector<T>(Span<T> z, int rows, int cols, ReadOnlySpan<T> bias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        {
            var row = z.Slice(i * cols, cols);
            ElementwiseLoop.Binary<T, AddOp<T>>(row, bias, row);
        }
    }

    /// <summary>
    /// SumTo(g [rows, cols], [cols]) with cols &gt; 1, as ReduceKernels sums axis 0: each column summed
    /// row by row from the first (acc = g₀; acc += g_r), a block of columns held in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnSums<T>(ReadOnlySpan<T> g, int rows, int cols, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T g0 = ref MemoryMarshal.GetReference(g);
        ref T d0 = ref MemoryMarshal.GetReference(dst);
        int j = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && rows > 0)
        {
            int w = Vector256<T>.Count;
            for (; j <= cols - 4 * w; j += 4 * w)
            {
                var a0 = Vector256.LoadUnsafe(ref g0, (nuint)j);
                var a1 = Vector256.LoadUnsafe(ref g0, (nuint)(j + w));
                var a2 = Vector256.LoadUnsafe(ref g0, (nuint)(j + 2 * w));
                var a3 = Vector256.LoadUnsafe(ref g0, (nuint)(j + 3 * w));
                for (int r = 1; r < rows; r++)
                {
                    nuint o = (nuint)(r * cols + j);
                    a0 += Vector256.LoadUnsafe(ref g0, o);
                    a1 += Vector256.LoadUnsafe(ref g0, o + (nuint)w);
                    a2 += Vector256.LoadUnsafe(ref g0, o + (nuint)(2 * w));
                    a3 += Vector256.LoadUnsafe(ref g0, o + (nuint)(3 * w));
                }
                a0.StoreUnsafe(ref d0, (nuint)j);
                a1.StoreUnsafe(ref d0, (nuint)(j + w));
                a2.StoreUnsafe(ref d0, (nuint)(j + 2 * w));
                a3.StoreUnsafe(ref d0, (nuint)(j + 3 * w));
            }
            for (; j <= cols - w; j += w)
            {
                var a = Vector256.LoadUnsafe(ref g0, (nuint)j);
                for (int r = 1; r < rows; r++)
                {
                    a += Vector256.LoadUnsafe(ref g0, (nuint)(r * cols + j));
                }
                a.StoreUnsafe(ref d0, (nuint)j);
            }
        }
        for (; j < cols; j++)
        {
            T a = g[j];
            for (int r = 1; r < rows; r++)
            {
                a += g[r * cols + j];
            }
            dst[j] = a;
        }
    }

    /// <summary>
    /// TensorPrimitives.Tanh, bitwise: the same formula per vector lane — y = |x|, z = exp(−2y) − 1,
    /// tanh = sign(x)·(−z / (z + 2)) with the runtime's vector exp (TanhOperator and ExpM1Operator of
    /// System.Numerics.Tensors 10) — at the same vector width for the same length (the widest whose
    /// lane count fits; the scalar T.Tanh only below that), so every element gets the same bits.
    /// (One caveat shared with TensorPrimitives itself: a vector holding a lane beyond the vector
    /// exp's fast range — |x| above ~354, ±∞, NaN, i.e. a diverging run — takes a fix-up path whose
    /// other lanes may round differently, and TensorPrimitives cuts long spans into vectors by the
    /// destination's address, so there even two of its calls can disagree.)
    /// <para>
    /// Why not call it: the vector exp is not inlined (neither into TensorPrimitives' loop nor into
    /// ours); each call passes its Vector256 argument and result through 32-byte stack slots that are
    /// only 16-byte aligned, and when a slot straddles a cache line store-to-load forwarding fails.
    /// Which slots straddle depends on the stack pointer modulo 64 at the call — the caller's frame
    /// depth, so in effect random per thread and process — and float64 tanh then runs 3.7× slower
    /// (measured here: 53 against 14 µs for 10,000 values through TensorPrimitives, 42 against 12 µs
    /// through this loop); that alone made W4's step 70 instead of 40 µs in about half the runs. This
    /// loop is entered at a chosen stack alignment (<see cref="TanhAligned{T}"/>): the fastest of the
    /// four 16-byte-apart alignments, measured (<see cref="CalibrateTanh{T}"/>) at the first call and
    /// again while the JIT's tiers replace the code (each tier lays out its frame anew). Measured
    /// after that, from threads entered at each of the four alignments: 11–12 µs every time.
    /// </para>
    /// </summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((typeof(T) != typeof(double) && typeof(T) != typeof(float)) || x.Length < 64)
        {
            TanhKernel(x, y);
            return;
        }
        int residue = TanhAlignment<T>.Residue;
        if (residue < 0 || System.Diagnostics.Stopwatch.GetTimestamp() >= TanhAlignment<T>.Recheck)
        {
            residue = CalibrateTanh<T>();
        }
        TanhAligned(x, y, residue);
    }

    /// <summary>
    /// The stack alignment (stack pointer modulo 64, a multiple of 16) at which <see cref="TanhKernel{T}"/>
    /// runs fastest; −1 until measured. Measured again 0.25, 0.5, 1 and 2 s after each previous
    /// measurement: this loop and the runtime's exp are tiered code whose frames change when an
    /// optimised tier arrives (measured: a choice made on the first tier ran 37 instead of 11 µs later).
    /// </summary>
    private static class TanhAlignment<T>
    {
        public static int Residue = -1;
        public static int Measurements;
        public static long Recheck;
    }

    /// <summary>Runs <see cref="TanhKernel{T}"/> with the stack pointer moved to <paramref name="residue"/> + c modulo 64 (c fixed by this method's frame).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void TanhAligned<T>(ReadOnlySpan<T> x, Span<T> y, int residue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        byte probe = 1;
        nint sp = (nint)(&probe) & ~(nint)15;
        int pad = (int)((sp - residue) & 63);
        byte* gap = stackalloc byte[pad + 16];
        gap[0] = probe;
        TanhKernel(x, y);
        if (gap[0] != 1)
        {
            throw new InvalidOperationException("stack gap overwritten");
        }
    }

    /// <summary>Times <see cref="TanhAligned{T}"/> at the four alignments (best of 8 interleaved calls each) and keeps the fastest.</summary>
    private static int CalibrateTanh<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new T[4096];
        var y = new T[4096];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = T.CreateTruncating(3.0 * Math.Sin(i));
        }
        var best = new long[4];
        Array.Fill(best, long.MaxValue);
        for (int rep = 0; rep < 8; rep++)
        {
            for (int r = 0; r < 4; r++)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                TanhAligned<T>(x, y, 16 * r);
                best[r] = Math.Min(best[r], System.Diagnostics.Stopwatch.GetTimestamp() - t0);
            }
        }
        int residue = 16 * Array.IndexOf(best, best.Min());
        int measured = ++TanhAlignment<T>.Measurements;
        TanhAlignment<T>.Recheck = measured > 4 ? long.MaxValue
            : System.Diagnostics.Stopwatch.GetTimestamp() + (System.Diagnostics.Stopwatch.Frequency / 4 << (measured - 1));
        TanhAlignment<T>.Residue = residue;
        return residue;
    }

    /// <summary>The loop of <see cref="Tanh{T}"/> (called through <see cref="TanhAligned{T}"/> for a known stack alignment; not inlined, so that alignment holds).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TanhKernel<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length;
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float))
        {
            System.Numerics.Tensors.TensorPrimitives.Tanh(x, y);
            return;
        }
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            int w = Vector512<T>.Count;
            for (int i = 0; ; i += w)
            {
                int at = Math.Min(i, n - w);  // the last vector overlaps the previous one (same values)
                Tanh(Vector512.LoadUnsafe(ref xs, (nuint)at)).StoreUnsafe(ref ys, (nuint)at);
                if (at == n - w)
                {
                    return;
                }
            }
        }
        if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            int w = Vector256<T>.Count;
            for (int i = 0; ; i += w)
            {
                int at = Math.Min(i, n - w);
                Tanh(Vector256.LoadUnsafe(ref xs, (nuint)at)).StoreUnsafe(ref ys, (nuint)at);
                if (at == n - w)
                {
                    return;
                }
            }
        }
        if (Vector128.IsHardwareAccelerated && n >= Vector128<T>.Count)
        {
            int w = Vector128<T>.Count;
            for (int i = 0; ; i += w)
            {
                int at = Math.Min(i, n - w);
                Tanh(Vector128.LoadUnsafe(ref xs, (nuint)at)).StoreUnsafe(ref ys, (nuint)at);
                if (at == n - w)
                {
                    return;
                }
            }
        }
        for (int i = 0; i < n; i++)
        {
            Unsafe.Add(ref ys, i) = T.Tanh(Unsafe.Add(ref xs, i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Tanh<T>(Vector512<T> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            var x = t.AsDouble();
            var z = Vector512.Exp(Vector512.Create(-2d) * Vector512.Abs(x)) - Vector512<double>.One;
            var sign = x.AsUInt64() & Vector512.Create(~(ulong)long.MaxValue);
            return (sign ^ (-z / (z + Vector512.Create(2d))).AsUInt64()).As<ulong, T>();
        }
        else
        {
            var x = t.AsSingle();
            var z = Vector512.Exp(Vector512.Create(-2f) * Vector512.Abs(x)) - Vector512<float>.One;
            var sign = x.AsUInt32() & Vector512.Create(~(uint)int.MaxValue);
            return (sign ^ (-z / (z + Vector512.Create(2f))).AsUInt32()).As<uint, T>();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Tanh<T>(Vector256<T> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            var x = t.AsDouble();
            var z = Vector256.Exp(Vector256.Create(-2d) * Vector256.Abs(x)) - Vector256<double>.One;
            var sign = x.AsUInt64() & Vector256.Create(~(ulong)long.MaxValue);
            return (sign ^ (-z / (z + Vector256.Create(2d))).AsUInt64()).As<ulong, T>();
        }
        else
        {
            var x = t.AsSingle();
            var z = Vector256.Exp(Vector256.Create(-2f) * Vector256.Abs(x)) - Vector256<float>.One;
            var sign = x.AsUInt32() & Vector256.Create(~(uint)int.MaxValue);
            return (sign ^ (-z / (z + Vector256.Create(2f))).AsUInt32()).As<uint, T>();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Tanh<T>(Vector128<T> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            var x = t.AsDouble();
            var z = Vector128.Exp(Vector128.Create(-2d) * Vector128.Abs(x)) - Vector128<double>.One;
            var sign = x.AsUInt64() & Vector128.Create(~(ulong)long.MaxValue);
            return (sign ^ (-z / (z + Vector128.Create(2d))).AsUInt64()).As<ulong, T>();
        }
        else
        {
            var x = t.AsSingle();
            var z = Vector128.Exp(Vector128.Create(-2f) * Vector128.Abs(x)) - Vector128<float>.One;
            var sign = x.AsUInt32() & Vector128.Create(~(uint)int.MaxValue);
            return (sign ^ (-z / (z + Vector128.Create(2f))).AsUInt32()).As<uint, T>();
        }
    }

    /// <summary>tanh's rule Mul(g, AddScalar(Neg(Square(y)), 1)) in one pass, in place on g.</summary>
    public static void TanhBackward<T>(Span<T> g, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseLoop.Binary<T, TanhGradOp<T>>(g, y, g);

    /// <summary>sigmoid's rule Mul(g, Mul(y, AddScalar(Neg(y), 1))) in one pass, in place on g.</summary>
    public static void SigmoidBackward<T>(Span<T> g, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseLoop.Binary<T, SigmoidGradOp<T>>(g, y, g);

    /// <summary>the quadratic activation's rule MulScalar(Mul(g, x), 2) in one pass, in place on g.</summary>
    public static void SquareBackward<T>(Span<T> g, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseLoop.Binary<T, SquareGradOp<T>>(g, x, g);

    /// <summary>(g, y) → g · ((−(y·y)) + 1).</summary>
    private readonly struct TanhGradOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static T Invoke(T g, T y) => g * (-(y * y) + T.One);
        public static Vector128<T> Invoke(Vector128<T> g, Vector128<T> y) => g * (-(y * y) + Vector128<T>.One);
        public static Vector256<T> Invoke(Vector256<T> g, Vector256<T> y) => g * (-(y * y) + Vector256<T>.One);
        public static Vector512<T> Invoke(Vector512<T> g, Vector512<T> y) => g * (-(y * y) + Vector512<T>.One);
    }

    /// <summary>(g, y) → g · (y · ((−y) + 1)).</summary>
    private readonly struct SigmoidGradOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static T Invoke(T g, T y) => g * (y * (-y + T.One));
        public static Vector128<T> Invoke(Vector128<T> g, Vector128<T> y) => g * (y * (-y + Vector128<T>.One));
        public static Vector256<T> Invoke(Vector256<T> g, Vector256<T> y) => g * (y * (-y + Vector256<T>.One));
        public static Vector512<T> Invoke(Vector512<T> g, Vector512<T> y) => g * (y * (-y + Vector512<T>.One));
    }

    /// <summary>(g, x) → (g · x) · 2.</summary>
    private readonly struct SquareGradOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static T Invoke(T g, T x) => g * x * T.CreateTruncating(2);
        public static Vector128<T> Invoke(Vector128<T> g, Vector128<T> x) => g * x * Vector128.Create(T.CreateTruncating(2));
        public static Vector256<T> Invoke(Vector256<T> g, Vector256<T> x) => g * x * Vector256.Create(T.CreateTruncating(2));
        public static Vector512<T> Invoke(Vector512<T> g, Vector512<T> x) => g * x * Vector512.Create(T.CreateTruncating(2));
    }
}
