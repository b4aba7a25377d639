using System.Numerics;
using System.Runtime.Intrinsics;

namespace Gradscope.Tensors.Kernels;

// Binary operator structs for the shared elementwise loop. Maximum/minimum here are the plain
// value ops; their subgradient convention at ties lives with the autodiff rules.

internal readonly struct AddOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x + y;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x + y;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x + y;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x + y;
}

internal readonly struct SubOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x - y;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x - y;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x - y;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x - y;
}

internal readonly struct MulOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x * y;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x * y;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x * y;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x * y;
}

internal readonly struct DivOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x / y;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x / y;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x / y;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x / y;
}

/// <summary>max(x, y); NaN if either is NaN (IEEE 754-2019 maximum, as PyTorch).</summary>
internal readonly struct MaxOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => T.Max(x, y);
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => Vector128.Max(x, y);
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.Max(x, y);
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.Max(x, y);
}

internal readonly struct MinOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => T.Min(x, y);
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => Vector128.Min(x, y);
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.Min(x, y);
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.Min(x, y);
}

internal readonly struct GreaterOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x > y ? T.One : T.Zero;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => Vector128.GreaterThan(x, y) & Vector128<T>.One;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.GreaterThan(x, y) & Vector256<T>.One;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.GreaterThan(x, y) & Vector512<T>.One;
}

internal readonly struct GreaterEqualOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x >= y ? T.One : T.Zero;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => Vector128.GreaterThanOrEqual(x, y) & Vector128<T>.One;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.GreaterThanOrEqual(x, y) & Vector256<T>.One;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.GreaterThanOrEqual(x, y) & Vector512<T>.One;
}

internal readonly struct LessOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x < y ? T.One : T.Zero;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => Vector128.LessThan(x, y) & Vector128<T>.One;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.LessThan(x, y) & Vector256<T>.One;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.LessThan(x, y) & Vector512<T>.One;
}

internal readonly struct LessEqualOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x <= y ? T.One : T.Zero;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => Vector128.LessThanOrEqual(x, y) & Vector128<T>.One;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.LessThanOrEqual(x, y) & Vector256<T>.One;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.LessThanOrEqual(x, y) & Vector512<T>.One;
}

internal readonly struct EqualOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x == y ? T.One : T.Zero;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => Vector128.Equals(x, y) & Vector128<T>.One;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => Vector256.Equals(x, y) & Vector256<T>.One;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.Equals(x, y) & Vector512<T>.One;
}

internal readonly struct NotEqualOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => x != y ? T.One : T.Zero;
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => ~Vector128.Equals(x, y) & Vector128<T>.One;
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => ~Vector256.Equals(x, y) & Vector256<T>.One;
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => ~Vector512.Equals(x, y) & Vector512<T>.One;
}
