using System.Numerics;
using System.Runtime.Intrinsics;

namespace Gradscope.Tensors.Kernels;

// Unary operator structs that TensorPrimitives lacks. Transcendentals (exp, log, tanh, ...) go
// through TensorPrimitives directly; see UnaryKernels.

internal readonly struct ReluOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => x > T.Zero ? x : T.Zero;
    public static Vector128<T> Invoke(Vector128<T> x) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<T>.Zero), x, Vector128<T>.Zero);
    public static Vector256<T> Invoke(Vector256<T> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), x, Vector256<T>.Zero);
    public static Vector512<T> Invoke(Vector512<T> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), x, Vector512<T>.Zero);
}

/// <summary>Heaviside step: 1 where x &gt; 0, else 0 (the derivative of relu; 0 at x = 0, as PyTorch).</summary>
internal readonly struct StepOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => x > T.Zero ? T.One : T.Zero;
    public static Vector128<T> Invoke(Vector128<T> x) => Vector128.GreaterThan(x, Vector128<T>.Zero) & Vector128<T>.One;
    public static Vector256<T> Invoke(Vector256<T> x) => Vector256.GreaterThan(x, Vector256<T>.Zero) & Vector256<T>.One;
    public static Vector512<T> Invoke(Vector512<T> x) => Vector512.GreaterThan(x, Vector512<T>.Zero) & Vector512<T>.One;
}

/// <summary>sign(x) in {-1, 0, 1}; NaN stays NaN.</summary>
internal readonly struct SignOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => T.IsNaN(x) ? x : x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero;
    public static Vector128<T> Invoke(Vector128<T> x) =>
        (Vector128.GreaterThan(x, Vector128<T>.Zero) & Vector128<T>.One) - (Vector128.LessThan(x, Vector128<T>.Zero) & Vector128<T>.One) + (x - x);
    public static Vector256<T> Invoke(Vector256<T> x) =>
        (Vector256.GreaterThan(x, Vector256<T>.Zero) & Vector256<T>.One) - (Vector256.LessThan(x, Vector256<T>.Zero) & Vector256<T>.One) + (x - x);
    public static Vector512<T> Invoke(Vector512<T> x) =>
        (Vector512.GreaterThan(x, Vector512<T>.Zero) & Vector512<T>.One) - (Vector512.LessThan(x, Vector512<T>.Zero) & Vector512<T>.One) + (x - x);
}

internal readonly struct SquareOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => x * x;
    public static Vector128<T> Invoke(Vector128<T> x) => x * x;
    public static Vector256<T> Invoke(Vector256<T> x) => x * x;
    public static Vector512<T> Invoke(Vector512<T> x) => x * x;
}

/// <summary>(g, x) -> g where x &gt; 0, else 0.</summary>
internal readonly struct PassWherePositiveOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T g, T x) => x > T.Zero ? g : T.Zero;
    public static Vector128<T> Invoke(Vector128<T> g, Vector128<T> x) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<T>.Zero), g, Vector128<T>.Zero);
    public static Vector256<T> Invoke(Vector256<T> g, Vector256<T> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), g, Vector256<T>.Zero);
    public static Vector512<T> Invoke(Vector512<T> g, Vector512<T> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), g, Vector512<T>.Zero);
}
