using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// The portable micro-kernel over <c>System.Numerics.Vector</c> (256-bit on AVX2, 128-bit on NEON/SSE):
/// up to 6 x (2 x Vector) accumulators, so that 12 accumulators + 2 B vectors + 1 broadcast fit the
/// 16 registers of AVX2. Used when Vector512 is not hardware accelerated.
/// </summary>
internal static unsafe class GemmMicroKernelVector
{
    /// <summary>Rows of the largest tile this kernel computes.</summary>
    public const int MaxRows = 6;

    /// <summary>
    /// C[0..R, 0..nr) = alpha * sum_p A(i, p) B(p, 0..nr) + beta * C, for p in [0, kc), one FMA per
    /// (row, vector, p) in increasing p: the summation order of every element is fixed, whatever the
    /// tile position, which is what makes threaded results bitwise reproducible.
    /// B rows are two vectors wide (zero-padded by the packer at the edge) and
    /// <paramref name="rsB"/> elements apart; A is read through <typeparamref name="TA"/>.
    /// The accumulators are spelled out one by one so that the JIT keeps all of them in registers;
    /// rows at or beyond R are removed while the JIT imports the IL (typeof comparisons of type
    /// arguments fold at import, so dead rows cost no JIT time).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Run<T, R, TA>(int kc, TA a, T* b, nint rsB, T* c, nint ldc, T alpha, T beta, int nr)
        where T : unmanaged, IFloatingPointIeee754<T>
        where R : struct, IRowCount
        where TA : struct, IPanelA<T>
    {
        int w = Vector<T>.Count;
        Vector<T> c0_0 = default, c0_1 = default;
        Vector<T> c1_0 = default, c1_1 = default;
        Vector<T> c2_0 = default, c2_1 = default;
        Vector<T> c3_0 = default, c3_1 = default;
        Vector<T> c4_0 = default, c4_1 = default;
        Vector<T> c5_0 = default, c5_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector<T> b0 = GemmSimd.LoadVector(b), b1 = GemmSimd.LoadVector(b + w);
            Vector<T> x = new Vector<T>(a.Get(0));
            c0_0 = GemmSimd.Fma(x, b0, c0_0); c0_1 = GemmSimd.Fma(x, b1, c0_1);
            if (typeof(R) != typeof(R1)) { x = new Vector<T>(a.Get(1)); c1_0 = GemmSimd.Fma(x, b0, c1_0); c1_1 = GemmSimd.Fma(x, b1, c1_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2)) { x = new Vector<T>(a.Get(2)); c2_0 = GemmSimd.Fma(x, b0, c2_0); c2_1 = GemmSimd.Fma(x, b1, c2_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3)) { x = new Vector<T>(a.Get(3)); c3_0 = GemmSimd.Fma(x, b0, c3_0); c3_1 = GemmSimd.Fma(x, b1, c3_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4)) { x = new Vector<T>(a.Get(4)); c4_0 = GemmSimd.Fma(x, b0, c4_0); c4_1 = GemmSimd.Fma(x, b1, c4_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5)) { x = new Vector<T>(a.Get(5)); c5_0 = GemmSimd.Fma(x, b0, c5_0); c5_1 = GemmSimd.Fma(x, b1, c5_1); }
            a.Advance();
            b += rsB;
        }
        var e = new GemmEpilogue<T>(alpha, beta, nr);
        if (nr == 2 * w)
        {
            // Full tile: vector stores, all inlined (a call here would make the JIT keep the
            // accumulators in memory during the k loop: every vector register is caller-saved).
            e.Store(c, c0_0, c0_1);
            if (typeof(R) != typeof(R1)) e.Store(c + 1 * ldc, c1_0, c1_1);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2)) e.Store(c + 2 * ldc, c2_0, c2_1);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3)) e.Store(c + 3 * ldc, c3_0, c3_1);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4)) e.Store(c + 4 * ldc, c4_0, c4_1);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5)) e.Store(c + 5 * ldc, c5_0, c5_1);
        }
        else
        {
            // Right edge of C: park the tile on the stack, then one scalar update.
            T* tile = stackalloc T[6 * 2 * Vector<T>.Count];
            Vector.Store(c0_0, tile); Vector.Store(c0_1, tile + w);
            if (typeof(R) != typeof(R1)) { Vector.Store(c1_0, tile + 2 * w); Vector.Store(c1_1, tile + 3 * w); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2)) { Vector.Store(c2_0, tile + 4 * w); Vector.Store(c2_1, tile + 5 * w); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3)) { Vector.Store(c3_0, tile + 6 * w); Vector.Store(c3_1, tile + 7 * w); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4)) { Vector.Store(c4_0, tile + 8 * w); Vector.Store(c4_1, tile + 9 * w); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5)) { Vector.Store(c5_0, tile + 10 * w); Vector.Store(c5_1, tile + 11 * w); }
            e.StoreTile(c, ldc, tile, 2 * w, R.Value);
        }
    }
}
