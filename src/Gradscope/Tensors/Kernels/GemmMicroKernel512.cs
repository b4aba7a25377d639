using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// The AVX-512 micro-kernel: up to 12 x (2 x Vector512) accumulators (12 x 16 doubles, 12 x 32
/// floats), one code path for float64 and float32. 24 accumulators + 2 B vectors + 1 broadcast fit
/// the 32 zmm registers; on the Zen 4 reference machine it runs at ~58 GFLOP/s float64 per core,
/// the FMA throughput limit, when its operands are in L1 (docs/performance.md).
/// Ragged right edges use AVX-512 masked loads and stores instead of padding: B may then be read
/// in place and C is written without a scalar clean-up loop.
/// </summary>
internal static unsafe class GemmMicroKernel512
{
    /// <summary>Rows of the largest tile this kernel computes.</summary>
    public const int MaxRows = 12;

    /// <summary>
    /// C[0..R, 0..nr) = alpha * sum_p A(i, p) B(p, 0..nr) + beta * C, for p in [0, kc), one FMA per
    /// (row, vector, p) in increasing p: the summation order of every element is fixed, whatever the
    /// tile position, which is what makes threaded results bitwise reproducible.
    /// B rows are <paramref name="rsB"/> elements apart; <typeparamref name="TW"/> says whether the tile
    /// is two full vectors wide, two with a masked second one, or one masked vector (nr &lt;= one vector).
    /// A is read through <typeparamref name="TA"/>. The accumulators are spelled out one by one so
    /// that the JIT keeps all of them in registers; rows at or beyond R, and the second vector when TW is
    /// SingleMasked, are removed while the JIT imports the IL: the conditions are typeof comparisons
    /// of the type arguments, which (unlike static abstract members, folded only after inlining) never
    /// let the dead code be imported; that keeps JIT time per specialisation at a few milliseconds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T, R, TW, TA>(int kc, TA a, T* b, nint rsB, T* c, nint ldc, T alpha, T beta, int nr)
        where T : unmanaged, IFloatingPointIeee754<T>
        where R : struct, IRowCount
        where TW : struct, ITileWidth
        where TA : struct, IPanelA<T>
    {
        int w = Vector512<T>.Count;
        Vector512<T> m0 = Vector512<T>.AllBitsSet, m1 = Vector512<T>.AllBitsSet;
        if (typeof(TW) != typeof(FullWidth))
        {
            m0 = GemmSimd.TailMask<T>(nr);
            m1 = GemmSimd.TailMask<T>(nr - w);
        }
        Vector512<T> c0_0 = default, c0_1 = default;
        Vector512<T> c1_0 = default, c1_1 = default;
        Vector512<T> c2_0 = default, c2_1 = default;
        Vector512<T> c3_0 = default, c3_1 = default;
        Vector512<T> c4_0 = default, c4_1 = default;
        Vector512<T> c5_0 = default, c5_1 = default;
        Vector512<T> c6_0 = default, c6_1 = default;
        Vector512<T> c7_0 = default, c7_1 = default;
        Vector512<T> c8_0 = default, c8_1 = default;
        Vector512<T> c9_0 = default, c9_1 = default;
        Vector512<T> c10_0 = default, c10_1 = default;
        Vector512<T> c11_0 = default, c11_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> b0 = typeof(TW) == typeof(SingleMasked) ? GemmSimd.MaskLoad(b, m0) : Vector512.Load(b);
            Vector512<T> b1 = typeof(TW) == typeof(SingleMasked) ? default : typeof(TW) == typeof(MaskedTail) ? GemmSimd.MaskLoad(b + w, m1) : Vector512.Load(b + w);
            Vector512<T> x = Vector512.Create(a.Get(0));
            c0_0 = GemmSimd.Fma(x, b0, c0_0);
            if (typeof(TW) != typeof(SingleMasked)) c0_1 = GemmSimd.Fma(x, b1, c0_1);
            if (typeof(R) != typeof(R1)) { x = Vector512.Create(a.Get(1)); c1_0 = GemmSimd.Fma(x, b0, c1_0); if (typeof(TW) != typeof(SingleMasked)) c1_1 = GemmSimd.Fma(x, b1, c1_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2)) { x = Vector512.Create(a.Get(2)); c2_0 = GemmSimd.Fma(x, b0, c2_0); if (typeof(TW) != typeof(SingleMasked)) c2_1 = GemmSimd.Fma(x, b1, c2_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3)) { x = Vector512.Create(a.Get(3)); c3_0 = GemmSimd.Fma(x, b0, c3_0); if (typeof(TW) != typeof(SingleMasked)) c3_1 = GemmSimd.Fma(x, b1, c3_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4)) { x = Vector512.Create(a.Get(4)); c4_0 = GemmSimd.Fma(x, b0, c4_0); if (typeof(TW) != typeof(SingleMasked)) c4_1 = GemmSimd.Fma(x, b1, c4_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5)) { x = Vector512.Create(a.Get(5)); c5_0 = GemmSimd.Fma(x, b0, c5_0); if (typeof(TW) != typeof(SingleMasked)) c5_1 = GemmSimd.Fma(x, b1, c5_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6)) { x = Vector512.Create(a.Get(6)); c6_0 = GemmSimd.Fma(x, b0, c6_0); if (typeof(TW) != typeof(SingleMasked)) c6_1 = GemmSimd.Fma(x, b1, c6_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7)) { x = Vector512.Create(a.Get(7)); c7_0 = GemmSimd.Fma(x, b0, c7_0); if (typeof(TW) != typeof(SingleMasked)) c7_1 = GemmSimd.Fma(x, b1, c7_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8)) { x = Vector512.Create(a.Get(8)); c8_0 = GemmSimd.Fma(x, b0, c8_0); if (typeof(TW) != typeof(SingleMasked)) c8_1 = GemmSimd.Fma(x, b1, c8_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8) && typeof(R) != typeof(R9)) { x = Vector512.Create(a.Get(9)); c9_0 = GemmSimd.Fma(x, b0, c9_0); if (typeof(TW) != typeof(SingleMasked)) c9_1 = GemmSimd.Fma(x, b1, c9_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8) && typeof(R) != typeof(R9) && typeof(R) != typeof(R10)) { x = Vector512.Create(a.Get(10)); c10_0 = GemmSimd.Fma(x, b0, c10_0); if (typeof(TW) != typeof(SingleMasked)) c10_1 = GemmSimd.Fma(x, b1, c10_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8) && typeof(R) != typeof(R9) && typeof(R) != typeof(R10) && typeof(R) != typeof(R11)) { x = Vector512.Create(a.Get(11)); c11_0 = GemmSimd.Fma(x, b0, c11_0); if (typeof(TW) != typeof(SingleMasked)) c11_1 = GemmSimd.Fma(x, b1, c11_1); }
            a.Advance();
            b += rsB;
        }
        // Inlined stores only: a call here would make the JIT keep the accumulators in memory
        // during the k loop (every vector register is caller-saved).
        var e = new GemmEpilogue<T>(alpha, beta, nr);
        if (typeof(TW) == typeof(SingleMasked))
        {
            e.StoreMasked(c, c0_0, m0);
            if (typeof(R) != typeof(R1)) e.StoreMasked(c + 1 * ldc, c1_0, m0);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2)) e.StoreMasked(c + 2 * ldc, c2_0, m0);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3)) e.StoreMasked(c + 3 * ldc, c3_0, m0);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4)) e.StoreMasked(c + 4 * ldc, c4_0, m0);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5)) e.StoreMasked(c + 5 * ldc, c5_0, m0);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6)) e.StoreMasked(c + 6 * ldc, c6_0, m0);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7)) e.StoreMasked(c + 7 * ldc, c7_0, m0);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8)) e.StoreMasked(c + 8 * ldc, c8_0, m0);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8) && typeof(R) != typeof(R9)) e.StoreMasked(c + 9 * ldc, c9_0, m0);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8) && typeof(R) != typeof(R9) && typeof(R) != typeof(R10)) e.StoreMasked(c + 10 * ldc, c10_0, m0);
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8) && typeof(R) != typeof(R9) && typeof(R) != typeof(R10) && typeof(R) != typeof(R11)) e.StoreMasked(c + 11 * ldc, c11_0, m0);
        }
        else if (typeof(TW) == typeof(MaskedTail))
        {
            e.Store(c, c0_0); e.StoreMasked(c + w, c0_1, m1);
            if (typeof(R) != typeof(R1)) { e.Store(c + 1 * ldc, c1_0); e.StoreMasked(c + 1 * ldc + w, c1_1, m1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2)) { e.Store(c + 2 * ldc, c2_0); e.StoreMasked(c + 2 * ldc + w, c2_1, m1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3)) { e.Store(c + 3 * ldc, c3_0); e.StoreMasked(c + 3 * ldc + w, c3_1, m1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4)) { e.Store(c + 4 * ldc, c4_0); e.StoreMasked(c + 4 * ldc + w, c4_1, m1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5)) { e.Store(c + 5 * ldc, c5_0); e.StoreMasked(c + 5 * ldc + w, c5_1, m1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6)) { e.Store(c + 6 * ldc, c6_0); e.StoreMasked(c + 6 * ldc + w, c6_1, m1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7)) { e.Store(c + 7 * ldc, c7_0); e.StoreMasked(c + 7 * ldc + w, c7_1, m1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8)) { e.Store(c + 8 * ldc, c8_0); e.StoreMasked(c + 8 * ldc + w, c8_1, m1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8) && typeof(R) != typeof(R9)) { e.Store(c + 9 * ldc, c9_0); e.StoreMasked(c + 9 * ldc + w, c9_1, m1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8) && typeof(R) != typeof(R9) && typeof(R) != typeof(R10)) { e.Store(c + 10 * ldc, c10_0); e.StoreMasked(c + 10 * ldc + w, c10_1, m1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8) && typeof(R) != typeof(R9) && typeof(R) != typeof(R10) && typeof(R) != typeof(R11)) { e.Store(c + 11 * ldc, c11_0); e.StoreMasked(c + 11 * ldc + w, c11_1, m1); }
        }
        else
        {
            e.Store(c, c0_0); e.Store(c + w, c0_1);
            if (typeof(R) != typeof(R1)) { e.Store(c + 1 * ldc, c1_0); e.Store(c + 1 * ldc + w, c1_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2)) { e.Store(c + 2 * ldc, c2_0); e.Store(c + 2 * ldc + w, c2_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3)) { e.Store(c + 3 * ldc, c3_0); e.Store(c + 3 * ldc + w, c3_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4)) { e.Store(c + 4 * ldc, c4_0); e.Store(c + 4 * ldc + w, c4_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5)) { e.Store(c + 5 * ldc, c5_0); e.Store(c + 5 * ldc + w, c5_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6)) { e.Store(c + 6 * ldc, c6_0); e.Store(c + 6 * ldc + w, c6_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7)) { e.Store(c + 7 * ldc, c7_0); e.Store(c + 7 * ldc + w, c7_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8)) { e.Store(c + 8 * ldc, c8_0); e.Store(c + 8 * ldc + w, c8_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8) && typeof(R) != typeof(R9)) { e.Store(c + 9 * ldc, c9_0); e.Store(c + 9 * ldc + w, c9_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8) && typeof(R) != typeof(R9) && typeof(R) != typeof(R10)) { e.Store(c + 10 * ldc, c10_0); e.Store(c + 10 * ldc + w, c10_1); }
            if (typeof(R) != typeof(R1) && typeof(R) != typeof(R2) && typeof(R) != typeof(R3) && typeof(R) != typeof(R4) && typeof(R) != typeof(R5) && typeof(R) != typeof(R6) && typeof(R) != typeof(R7) && typeof(R) != typeof(R8) && typeof(R) != typeof(R9) && typeof(R) != typeof(R10) && typeof(R) != typeof(R11)) { e.Store(c + 11 * ldc, c11_0); e.Store(c + 11 * ldc + w, c11_1); }
        }
    }
}
