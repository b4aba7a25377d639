using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gradscope.Tensors.Kernels;

// Plumbing shared by the register-blocked micro-kernels (GemmMicroKernel512, GemmMicroKernelVector):
// compile-time row counts, the ways a kernel reads its A panel, the C write-back, and the kernel
// families the driver (GemmManaged) is generic over. Everything here is a struct or a static
// abstract member so that each (T, rows, A layout) combination is a separate JIT specialisation with
// no interface dispatch and no bounds checks inside the k loop.

/// <summary>A row count known to the JIT: each implementing struct is one kernel specialisation.</summary>
internal interface IRowCount
{
    static abstract int Value { get; }
}

internal struct R1 : IRowCount { public static int Value => 1; }
internal struct R2 : IRowCount { public static int Value => 2; }
internal struct R3 : IRowCount { public static int Value => 3; }
internal struct R4 : IRowCount { public static int Value => 4; }
internal struct R5 : IRowCount { public static int Value => 5; }
internal struct R6 : IRowCount { public static int Value => 6; }
internal struct R7 : IRowCount { public static int Value => 7; }
internal struct R8 : IRowCount { public static int Value => 8; }
internal struct R9 : IRowCount { public static int Value => 9; }
internal struct R10 : IRowCount { public static int Value => 10; }
internal struct R11 : IRowCount { public static int Value => 11; }
internal struct R12 : IRowCount { public static int Value => 12; }

/// <summary>How wide a tile of the AVX-512 kernel is: vectors per row and whether the last is masked.</summary>
internal interface ITileWidth
{
    static abstract int Vectors { get; }

    static abstract bool Masked { get; }
}

/// <summary>Two full vectors (nr = 2 W).</summary>
internal struct FullWidth : ITileWidth
{
    public static int Vectors => 2;

    public static bool Masked => false;
}

/// <summary>One full vector and a masked one (W &lt; nr &lt; 2 W).</summary>
internal struct MaskedTail : ITileWidth
{
    public static int Vectors => 2;

    public static bool Masked => true;
}

/// <summary>One masked vector (nr &lt;= W): narrow outputs do half the work of a two-vector tile.</summary>
internal struct SingleMasked : ITileWidth
{
    public static int Vectors => 1;

    public static bool Masked => true;
}

/// <summary>
/// How a micro-kernel reads op(A): <see cref="Get"/> is element (i, p) of the tile for the current
/// p, <see cref="Advance"/> moves to p + 1. The index i is always a constant after inlining.
/// </summary>
internal interface IPanelA<T> where T : unmanaged
{
    T Get(int i);

    void Advance();
}

/// <summary>
/// A tile whose rows are contiguous for each p: element (i, p) at <c>P[i + p * Step]</c>. This is
/// both a packed panel (Step = MR) and a transposed operand read in place (Step = lda).
/// </summary>
internal unsafe struct StridedPanelA<T> : IPanelA<T> where T : unmanaged
{
    private T* _p;
    private readonly nint _step;

    public StridedPanelA(T* p, nint step)
    {
        _p = p;
        _step = step;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T Get(int i) => _p[i];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance() => _p += _step;
}

/// <summary>
/// Up to 12 rows of a row-major operand read in place: element (i, p) at <c>P[i * ld + p]</c>.
/// Three row pointers with offsets 0, ld, 2 ld, 3 ld keep every address a single
/// base + index * scale operand, so the k loop needs six general registers, not twelve.
/// Avoids packing A for small products, where packing would cost as much as the arithmetic.
/// </summary>
internal unsafe struct RowMajorPanelA<T> : IPanelA<T> where T : unmanaged
{
    private T* _p0;
    private T* _p4;
    private T* _p8;
    private readonly nint _ld;
    private readonly nint _ld2;
    private readonly nint _ld3;

    public RowMajorPanelA(T* p, nint ld)
    {
        _p0 = p;
        _p4 = p + 4 * ld;
        _p8 = p + 8 * ld;
        _ld = ld;
        _ld2 = 2 * ld;
        _ld3 = 3 * ld;
    }

    // One `if` per row (i is a constant after inlining, so all but one fold away). This shape lets the
    // JIT fold the load into the broadcast (vbroadcastsd zmm, [p + 8*ld]); a ternary chain made it
    // load to a register and broadcast from there, which costs an FP-pipe slot per row (~7% on Zen 4).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T Get(int i)
    {
        if (i == 0) return _p0[0];
        if (i == 1) return _p0[_ld];
        if (i == 2) return _p0[_ld2];
        if (i == 3) return _p0[_ld3];
        if (i == 4) return _p4[0];
        if (i == 5) return _p4[_ld];
        if (i == 6) return _p4[_ld2];
        if (i == 7) return _p4[_ld3];
        if (i == 8) return _p8[0];
        if (i == 9) return _p8[_ld];
        if (i == 10) return _p8[_ld2];
        return _p8[_ld3];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance()
    {
        _p0++;
        _p4++;
        _p8++;
    }
}

/// <summary>Vector helpers generic over the element type (double or float).</summary>
internal static unsafe class GemmSimd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }
        return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Fma<T>(Vector<T> a, Vector<T> b, Vector<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        }
        return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> LoadVector<T>(T* p) where T : unmanaged => Vector.Load(p);

    /// <summary>All bits set in lanes [0, count), zero elsewhere (count may be &lt;= 0 or &gt;= the width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> TailMask<T>(int count) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(count)));

    /// <summary>Loads the lanes selected by <paramref name="mask"/>, zero in the others; masked-off lanes are not touched (no fault past the end of an array).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MaskLoad<T>(T* p, Vector512<T> mask) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            return Avx512F.MaskLoad((double*)p, mask.AsDouble(), Vector512<double>.Zero).As<double, T>();
        }
        return Avx512F.MaskLoad((float*)p, mask.AsSingle(), Vector512<float>.Zero).As<float, T>();
    }

    /// <summary>Stores the lanes selected by <paramref name="mask"/>; memory under the other lanes is untouched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MaskStore<T>(T* p, Vector512<T> value, Vector512<T> mask) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            Avx512F.MaskStore((double*)p, mask.AsDouble(), value.AsDouble());
        }
        else
        {
            Avx512F.MaskStore((float*)p, mask.AsSingle(), value.AsSingle());
        }
    }
}

/// <summary>
/// The C write-back of a tile: <c>c = alpha * acc</c> when beta is zero (C is never read, so NaN
/// garbage in C cannot leak in), else <c>c = fma(alpha, acc, beta * c)</c>. Partial-width tiles at
/// the right edge of C (masked vectors, or the portable kernel's scalar loop) apply the same formula
/// per element, so an element's value does not depend on whether its tile was full: that keeps
/// results independent of how the output was partitioned between threads.
/// </summary>
internal readonly unsafe struct GemmEpilogue<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _alpha;
    private readonly T _beta;
    private readonly int _nr;
    private readonly bool _betaZero;

    public GemmEpilogue(T alpha, T beta, int nr)
    {
        _alpha = alpha;
        _beta = beta;
        _nr = nr;
        _betaZero = beta == T.Zero;
    }

    /// <summary>Writes one vector of a tile row. Inlined: no call may happen while a kernel's accumulators are live.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(T* c, Vector512<T> x)
    {
        var va = Vector512.Create(_alpha);
        if (_betaZero)
        {
            Vector512.Store(va * x, c);
        }
        else
        {
            Vector512.Store(GemmSimd.Fma(va, x, Vector512.Create(_beta) * Vector512.Load(c)), c);
        }
    }

    /// <summary>The masked form of <see cref="Store(T*, Vector512{T})"/> for the right edge of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreMasked(T* c, Vector512<T> x, Vector512<T> mask)
    {
        var va = Vector512.Create(_alpha);
        if (_betaZero)
        {
            GemmSimd.MaskStore(c, va * x, mask);
        }
        else
        {
            GemmSimd.MaskStore(c, GemmSimd.Fma(va, x, Vector512.Create(_beta) * GemmSimd.MaskLoad(c, mask)), mask);
        }
    }

    /// <summary>Writes one full row (two vectors) of a portable-kernel tile; inlined like <see cref="Store(T*, Vector512{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(T* c, Vector<T> x0, Vector<T> x1)
    {
        int w = Vector<T>.Count;
        var va = new Vector<T>(_alpha);
        if (_betaZero)
        {
            Vector.Store(va * x0, c);
            Vector.Store(va * x1, c + w);
        }
        else
        {
            var vb = new Vector<T>(_beta);
            Vector.Store(GemmSimd.Fma(va, x0, vb * Vector.Load(c)), c);
            Vector.Store(GemmSimd.Fma(va, x1, vb * Vector.Load(c + w)), c + w);
        }
    }

    /// <summary>
    /// Writes the first nr columns of <paramref name="rows"/> rows of a tile parked at
    /// <paramref name="tile"/> (row stride <paramref name="width"/>): the right edge of C.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public void StoreTile(T* c, nint ldc, T* tile, int width, int rows)
    {
        for (int i = 0; i < rows; i++)
        {
            UpdateScalar(c + i * ldc, tile + i * width, _nr);
        }
    }

    /// <summary>The scalar form of <see cref="Store(T*, Vector512{T})"/>, element by element (same rounding).</summary>
    public void UpdateScalar(T* c, T* acc, int count)
    {
        if (_betaZero)
        {
            for (int j = 0; j < count; j++)
            {
                c[j] = _alpha * acc[j];
            }
        }
        else
        {
            for (int j = 0; j < count; j++)
            {
                c[j] = T.FusedMultiplyAdd(_alpha, acc[j], _beta * c[j]);
            }
        }
    }
}

/// <summary>
/// A family of micro-kernels the blocked driver is generic over: tile shape (MR x NR) and the call
/// that computes one tile of mr &lt;= MR rows and nr &lt;= NR columns.
/// </summary>
internal unsafe interface IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract int MR { get; }

    static abstract int NR { get; }

    /// <summary>True when ragged right edges are handled with masks, so B edges can be read in place.</summary>
    static abstract bool MaskedEdges { get; }

    static abstract void Tile<TA>(int mr, int nr, int kc, TA a, T* b, nint rsB, T* c, nint ldc, T alpha, T beta)
        where TA : struct, IPanelA<T>;
}

/// <summary>The AVX-512 kernel family (see <see cref="GemmMicroKernel512"/>).</summary>
internal unsafe struct Kernel512<T> : IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => GemmMicroKernel512.MaxRows;

    public static int NR => 2 * Vector512<T>.Count;

    public static bool MaskedEdges => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile<TA>(int mr, int nr, int kc, TA a, T* b, nint rsB, T* c, nint ldc, T alpha, T beta)
        where TA : struct, IPanelA<T>
    {
        if (nr == NR)
        {
            Rows<TA, FullWidth>(mr, nr, kc, a, b, rsB, c, ldc, alpha, beta);
        }
        else if (nr > Vector512<T>.Count)
        {
            Rows<TA, MaskedTail>(mr, nr, kc, a, b, rsB, c, ldc, alpha, beta);
        }
        else
        {
            Rows<TA, SingleMasked>(mr, nr, kc, a, b, rsB, c, ldc, alpha, beta);
        }
    }

    private static void Rows<TA, TW>(int mr, int nr, int kc, TA a, T* b, nint rsB, T* c, nint ldc, T alpha, T beta)
        where TA : struct, IPanelA<T>
        where TW : struct, ITileWidth
    {
        switch (mr)
        {
            case 12: GemmMicroKernel512.Run<T, R12, TW, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 11: GemmMicroKernel512.Run<T, R11, TW, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 10: GemmMicroKernel512.Run<T, R10, TW, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 9: GemmMicroKernel512.Run<T, R9, TW, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 8: GemmMicroKernel512.Run<T, R8, TW, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 7: GemmMicroKernel512.Run<T, R7, TW, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 6: GemmMicroKernel512.Run<T, R6, TW, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 5: GemmMicroKernel512.Run<T, R5, TW, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 4: GemmMicroKernel512.Run<T, R4, TW, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 3: GemmMicroKernel512.Run<T, R3, TW, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 2: GemmMicroKernel512.Run<T, R2, TW, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            default: GemmMicroKernel512.Run<T, R1, TW, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
        }
    }
}

/// <summary>The portable kernel family (see <see cref="GemmMicroKernelVector"/>).</summary>
internal unsafe struct KernelVector<T> : IGemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int MR => GemmMicroKernelVector.MaxRows;

    public static int NR => 2 * Vector<T>.Count;

    public static bool MaskedEdges => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile<TA>(int mr, int nr, int kc, TA a, T* b, nint rsB, T* c, nint ldc, T alpha, T beta)
        where TA : struct, IPanelA<T>
    {
        switch (mr)
        {
            case 6: GemmMicroKernelVector.Run<T, R6, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 5: GemmMicroKernelVector.Run<T, R5, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 4: GemmMicroKernelVector.Run<T, R4, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 3: GemmMicroKernelVector.Run<T, R3, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            case 2: GemmMicroKernelVector.Run<T, R2, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
            default: GemmMicroKernelVector.Run<T, R1, TA>(kc, a, b, rsB, c, ldc, alpha, beta, nr); break;
        }
    }
}
