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
