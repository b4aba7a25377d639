using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Gradscope.Linalg;

/// <summary>
/// Vector kernels (dot, axpy) for the managed decompositions. They are compiled fully optimised
/// on first use (<see cref="MethodImplOptions.AggressiveOptimization"/>): the decompositions
/// call them millions of times within their first second, before tiered compilation would have
/// promoted generic library code, which made a cold 1000 x 1000 eigendecomposition several times
/// slower than a warm one. No fused multiply-add, so results match the scalar tails exactly.
/// </summary>
internal static class Blas1
{
    /// <summary>x . y over x.Length elements (y at least as long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        if (y.Length < n)
        {
            throw new ArgumentException("y is shorter than x.", nameof(y));
        }
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated && n >= 32)
        {
            Vector512<double> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; i <= n - 32; i += 32)
            {
                s0 += Vector512.LoadUnsafe(ref xr, (nuint)i) * Vector512.LoadUnsafe(ref yr, (nuint)i);
                s1 += Vector512.LoadUnsafe(ref xr, (nuint)i + 8) * Vector512.LoadUnsafe(ref yr, (nuint)i + 8);
                s2 += Vector512.LoadUnsafe(ref xr, (nuint)i + 16) * Vector512.LoadUnsafe(ref yr, (nuint)i + 16);
                s3 += Vector512.LoadUnsafe(ref xr, (nuint)i + 24) * Vector512.LoadUnsafe(ref yr, (nuint)i + 24);
            }
            s0 = (s0 + s1) + (s2 + s3);
            for (; i <= n - 8; i += 8)
            {
                s0 += Vector512.LoadUnsafe(ref xr, (nuint)i) * Vector512.LoadUnsafe(ref yr, (nuint)i);
            }
            sum = Vector512.Sum(s0);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; i <= n - 16; i += 16)
            {
                s0 += Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256.LoadUnsafe(ref yr, (nuint)i);
                s1 += Vector256.LoadUnsafe(ref xr, (nuint)i + 4) * Vector256.LoadUnsafe(ref yr, (nuint)i + 4);
                s2 += Vector256.LoadUnsafe(ref xr, (nuint)i + 8) * Vector256.LoadUnsafe(ref yr, (nuint)i + 8);
                s3 += Vector256.LoadUnsafe(ref xr, (nuint)i + 12) * Vector256.LoadUnsafe(ref yr, (nuint)i + 12);
            }
            s0 = (s0 + s1) + (s2 + s3);
            for (; i <= n - 4; i += 4)
            {
                s0 += Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256.LoadUnsafe(ref yr, (nuint)i);
            }
            sum = Vector256.Sum(s0);
        }
        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref xr, i) * Unsafe.Add(ref yr, i);
        }
        return sum;
    }

    /// <summary>y += alpha x over y.Length elements (x at least as long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = y.Length;
        if (x.Length < n)
        {
            throw new ArgumentException("x is shorter than y.", nameof(x));
        }
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(alpha);
            for (; i <= n - 8; i += 8)
            {
                (Vector512.LoadUnsafe(ref yr, (nuint)i) + a * Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; i <= n - 4; i += 4)
            {
                (Vector256.LoadUnsafe(ref yr, (nuint)i) + a * Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) += alpha * Unsafe.Add(ref xr, i);
        }
    }

    /// <summary>y += alpha x + beta z over y.Length elements, in one pass (a symmetric rank-2 update row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Axpy2(double alpha, ReadOnlySpan<double> x, double beta, ReadOnlySpan<double> z, Span<double> y)
    {
        int n = y.Length;
        if (x.Length < n || z.Length < n)
        {
            throw new ArgumentException("x or z is shorter than y.", nameof(x));
        }
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double zr = ref MemoryMarshal.GetReference(z);
        ref double yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(alpha);
            var b = Vector512.Create(beta);
            for (; i <= n - 8; i += 8)
            {
                var v = Vector512.LoadUnsafe(ref yr, (nuint)i) + a * Vector512.LoadUnsafe(ref xr, (nuint)i);
                (v + b * Vector512.LoadUnsafe(ref zr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            var b = Vector256.Create(beta);
            for (; i <= n - 4; i += 4)
            {
                var v = Vector256.LoadUnsafe(ref yr, (nuint)i) + a * Vector256.LoadUnsafe(ref xr, (nuint)i);
                (v + b * Vector256.LoadUnsafe(ref zr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            double v = Unsafe.Add(ref yr, i) + alpha * Unsafe.Add(ref xr, i);
            Unsafe.Add(ref yr, i) = v + beta * Unsafe.Add(ref zr, i);
        }
    }

    /// <summary>x *= alpha.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Scale(double alpha, Span<double> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] *= alpha;
        }
    }
}
