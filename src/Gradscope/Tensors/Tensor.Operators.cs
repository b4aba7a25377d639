using System.Numerics;

namespace Gradscope.Tensors;

// Operators and instance shorthands for the static operations in Tensor.
public sealed partial class Tensor<T>
{
    public static Tensor<T> operator +(Tensor<T> a, Tensor<T> b) => Tensor.Add(a, b);

    public static Tensor<T> operator -(Tensor<T> a, Tensor<T> b) => Tensor.Sub(a, b);

    public static Tensor<T> operator *(Tensor<T> a, Tensor<T> b) => Tensor.Mul(a, b);

    public static Tensor<T> operator /(Tensor<T> a, Tensor<T> b) => Tensor.Div(a, b);

    public static Tensor<T> operator -(Tensor<T> a) => Tensor.Neg(a);

    public static Tensor<T> operator +(Tensor<T> a, T s) => Tensor.AddScalar(a, double.CreateTruncating(s));

    public static Tensor<T> operator +(T s, Tensor<T> a) => Tensor.AddScalar(a, double.CreateTruncating(s));

    public static Tensor<T> operator -(Tensor<T> a, T s) => Tensor.AddScalar(a, -double.CreateTruncating(s));

    public static Tensor<T> operator -(T s, Tensor<T> a) => Tensor.AddScalar(Tensor.Neg(a), double.CreateTruncating(s));

    public static Tensor<T> operator *(Tensor<T> a, T s) => Tensor.MulScalar(a, double.CreateTruncating(s));

    public static Tensor<T> operator *(T s, Tensor<T> a) => Tensor.MulScalar(a, double.CreateTruncating(s));

    public static Tensor<T> operator /(Tensor<T> a, T s) => Tensor.MulScalar(a, 1.0 / double.CreateTruncating(s));

    public Tensor<T> MatMul(Tensor<T> other) => Tensor.MatMul(this, other);

    public Tensor<T> Reshape(params int[] shape) => Tensor.Reshape(this, shape);

    public Tensor<T> Transpose() => Tensor.Transpose(this);

    public Tensor<T> Sum(int[]? axes = null, bool keepDims = false) => Tensor.Sum(this, axes, keepDims);

    public Tensor<T> Mean(int[]? axes = null, bool keepDims = false) => Tensor.Mean(this, axes, keepDims);

    public Tensor<T> Exp() => Tensor.Exp(this);

    public Tensor<T> Log() => Tensor.Log(this);

    public Tensor<T> Tanh() => Tensor.Tanh(this);

    public Tensor<T> Square() => Tensor.Square(this);
}
