using System.Numerics;
using Gradscope.Random;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Tensors;

/// <summary>
/// Construction of tensors and the differentiable operations on them, as static generic methods
/// (<c>Tensor.Add(a, b)</c>), mirrored by operators and instance methods on <see cref="Tensor{T}"/>.
/// </summary>
public static partial class Tensor
{
    public static Tensor<T> FromArray<T>(T[] data, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (shape.Length == 0 && data.Length != 1)
        {
            shape = [data.Length];
        }
        if (Shapes.Size(shape) != data.Length)
        {
            throw new TensorShapeException($"FromArray: {data.Length} values do not fill shape {Shapes.Format(shape)}");
        }
        return new Tensor<T>((T[])data.Clone(), (int[])shape.Clone());
    }

    /// <summary>Wraps <paramref name="data"/> without copying; the caller gives up ownership.</summary>
    internal static Tensor<T> Wrap<T>(T[] data, int[] shape) where T : unmanaged, IFloatingPointIeee754<T> => new(data, shape);

    public static Tensor<T> FromDoubles<T>(double[] data, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = GC.AllocateUninitializedArray<T>(data.Length);
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = T.CreateTruncating(data[i]);
        }
        return FromArray(d, shape.Length == 0 ? [data.Length] : shape);
    }

    public static Tensor<T> Scalar<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> => new([value], []);

    public static Tensor<T> Zeros<T>(params int[] shape) where T : unmanaged, IFloatingPointIeee754<T> =>
        new(new T[Shapes.Size(shape)], (int[])shape.Clone());

    public static Tensor<T> Ones<T>(params int[] shape) where T : unmanaged, IFloatingPointIeee754<T> => Full(T.One, shape);

    public static Tensor<T> Full<T>(T value, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = GC.AllocateUninitializedArray<T>(Shapes.Size(shape));
        d.AsSpan().Fill(value);
        return new(d, (int[])shape.Clone());
    }

    public static Tensor<T> ZerosLike<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Zeros<T>(x.Shape);

    public static Tensor<T> OnesLike<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Ones<T>(x.Shape);

    /// <summary>0, 1, ..., n-1.</summary>
    public static Tensor<T> Arange<T>(int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = GC.AllocateUninitializedArray<T>(n);
        for (int i = 0; i < n; i++)
        {
            d[i] = T.CreateTruncating(i);
        }
        return new(d, [n]);
    }

    /// <summary>n points from <paramref name="start"/> to <paramref name="stop"/> inclusive.</summary>
    public static Tensor<T> Linspace<T>(double start, double stop, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = GC.AllocateUninitializedArray<T>(n);
        for (int i = 0; i < n; i++)
        {
            d[i] = T.CreateTruncating(n == 1 ? start : start + (stop - start) * i / (n - 1));
        }
        return new(d, [n]);
    }

    public static Tensor<T> Eye<T>(int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Zeros<T>(n, n);
        for (int i = 0; i < n; i++)
        {
            t.Data[i * n + i] = T.One;
        }
        return t;
    }

    /// <summary>Standard normal samples scaled by <paramref name="std"/>; element i depends only on (key, i).</summary>
    public static Tensor<T> Normal<T>(RngKey key, int[] shape, double mean = 0, double std = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Zeros<T>(shape);
        Sampling.Normal(key, t.Data.AsSpan(), T.CreateTruncating(mean), T.CreateTruncating(std));
        return t;
    }

    /// <summary>Uniform samples on [low, high); element i depends only on (key, i).</summary>
    public static Tensor<T> Uniform<T>(RngKey key, int[] shape, double low = 0, double high = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Zeros<T>(shape);
        Sampling.Uniform(key, t.Data.AsSpan(), T.CreateTruncating(low), T.CreateTruncating(high));
        return t;
    }

    /// <summary>Converts between float64 and float32 (a constant: no gradient flows across dtypes).</summary>
    public static Tensor<TOut> Cast<TIn, TOut>(Tensor<TIn> x)
        where TIn : unmanaged, IFloatingPointIeee754<TIn>
        where TOut : unmanaged, IFloatingPointIeee754<TOut>
    {
        var d = new TOut[x.Size];
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = TOut.CreateTruncating(x.Data[i]);
        }
        return new(d, (int[])x.Shape.Clone());
    }
}
