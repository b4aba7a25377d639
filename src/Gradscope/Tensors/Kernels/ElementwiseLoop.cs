using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Gradscope.Tensors.Kernels;

/// <summary>A unary elementwise operator at every vector width (TensorPrimitives' operator-struct pattern).</summary>
internal interface IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract T Invoke(T x);
    static abstract Vector128<T> Invoke(Vector128<T> x);
    static abstract Vector256<T> Invoke(Vector256<T> x);
    static abstract Vector512<T> Invoke(Vector512<T> x);
}

/// <summary>A binary elementwise operator at every vector width.</summary>
internal interface IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract T Invoke(T x, T y);
    static abstract Vector128<T> Invoke(Vector128<T> x, Vector128<T> y);
    static abstract Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);
    static abstract Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
}

/// <summary>
/// The one shared vectorised loop: Vector512 -> Vector256 -> Vector128 -> scalar tail, each op a
/// struct whose static members the JIT inlines. Operands may be a span or a broadcast scalar.
/// </summary>
internal static class ElementwiseLoop
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Unary<T, TOp>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IUnaryOp<T>
    {
        int n = x.Length;
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                TOp.Invoke(Vector128.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ys, i) = TOp.Invoke(Unsafe.Add(ref xs, i));
        }
    }

    /// <summary>y = op(a, b) over equal-length spans.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Binary<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOp<T>
    {
        int n = y.Length;
        ref T az = ref MemoryMarshal.GetReference(a);
        ref T bz = ref MemoryMarshal.GetReference(b);
        ref T ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref az, (nuint)i), Vector512.LoadUnsafe(ref bz, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref az, (nuint)i), Vector256.LoadUnsafe(ref bz, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                TOp.Invoke(Vector128.LoadUnsafe(ref az, (nuint)i), Vector128.LoadUnsafe(ref bz, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ys, i) = TOp.Invoke(Unsafe.Add(ref az, i), Unsafe.Add(ref bz, i));
        }
    }

    /// <summary>y = op(a, s) with a broadcast scalar on the right.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BinaryScalarRight<T, TOp>(ReadOnlySpan<T> a, T s, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOp<T>
    {
        int n = y.Length;
        ref T az = ref MemoryMarshal.GetReference(a);
        ref T ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            var sv = Vector512.Create(s);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref az, (nuint)i), sv).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var sv = Vector256.Create(s);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref az, (nuint)i), sv).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            var sv = Vector128.Create(s);
            for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                TOp.Invoke(Vector128.LoadUnsafe(ref az, (nuint)i), sv).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ys, i) = TOp.Invoke(Unsafe.Add(ref az, i), s);
        }
    }

    /// <summary>y = op(s, b) with a broadcast scalar on the left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BinaryScalarLeft<T, TOp>(T s, ReadOnlySpan<T> b, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOp<T>
    {
        int n = y.Length;
        ref T bz = ref MemoryMarshal.GetReference(b);
        ref T ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            var sv = Vector512.Create(s);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                TOp.Invoke(sv, Vector512.LoadUnsafe(ref bz, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var sv = Vector256.Create(s);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                TOp.Invoke(sv, Vector256.LoadUnsafe(ref bz, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            var sv = Vector128.Create(s);
            for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                TOp.Invoke(sv, Vector128.LoadUnsafe(ref bz, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ys, i) = TOp.Invoke(s, Unsafe.Add(ref bz, i));
        }
    }
}
