using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Tensors;

public static partial class Tensor
{
    /// <summary>Sum over <paramref name="axes"/> (all when null or empty).</summary>
    public static Tensor<T> Sum<T>(Tensor<T> x, int[]? axes = null, bool keepDims = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ax = Shapes.Axes("sum", axes, x.Rank);
        var y = ReduceKernels.Sum(x.Data, x.Shape, ax);
        return Record(new Tensor<T>(y, Shapes.Reduced(x.Shape, ax, keepDims)), OpKind.Sum, new AxesAttr(ax, keepDims), x);
    }

    /// <summary>
    /// Σ x² over all elements, in one pass (the MSE loss's reduction). Its derivative 2·g·x is one
    /// pass too, where Sum(Square(x)) costs a broadcast and two products in the backward pass.
    /// </summary>
    public static Tensor<T> SumOfSquares<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(new Tensor<T>([System.Numerics.Tensors.TensorPrimitives.SumOfSquares<T>(x.Data)], []), OpKind.SumOfSquares, null, x);

    public static Tensor<T> Mean<T>(Tensor<T> x, int[]? axes = null, bool keepDims = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ax = Shapes.Axes("mean", axes, x.Rank);
        long n = 1;
        foreach (var a in ax)
        {
            n *= x.Shape[a];
        }
        return MulScalar(Sum(x, ax, keepDims), 1.0 / n);
    }

    /// <summary>
    /// Maximum over <paramref name="axes"/>. Subgradient: the incoming gradient is split evenly
    /// among the positions attaining the maximum (PyTorch's amax convention).
    /// </summary>
    public static Tensor<T> Max<T>(Tensor<T> x, int[]? axes = null, bool keepDims = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ax = Shapes.Axes("max", axes, x.Rank);
        var y = ReduceKernels.Max(x.Data, x.Shape, ax);
        return Record(new Tensor<T>(y, Shapes.Reduced(x.Shape, ax, keepDims)), OpKind.Max, new AxesAttr(ax, keepDims), x);
    }

    public static Tensor<T> Min<T>(Tensor<T> x, int[]? axes = null, bool keepDims = false) where T : unmanaged, IFloatingPointIeee754<T> =>
        Neg(Max(Neg(x), axes, keepDims));

    /// <summary>
    /// log Σ exp(x) over axes, stable: m + log Σ exp(x - m) with m = max(x) held constant (its
    /// derivative cancels exactly), and m replaced by 0 where it is infinite.
    /// </summary>
    public static Tensor<T> LogSumExp<T>(Tensor<T> x, int[]? axes = null, bool keepDims = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ax = Shapes.Axes("logsumexp", axes, x.Rank);
        var m = Max(x.Detach(), ax, keepDims: true);
        var md = m.Data;
        for (int i = 0; i < md.Length; i++)
        {
            if (!T.IsFinite(md[i]))
            {
                md[i] = T.Zero;
            }
        }
        var s = Log(Sum(Exp(Sub(x, m)), ax, keepDims: true));
        var r = Add(s, m);
        return keepDims ? r : Reshape(r, Shapes.Reduced(x.Shape, ax, false));
    }

    /// <summary>Sums <paramref name="x"/> down to <paramref name="shape"/> (the adjoint of broadcasting).</summary>
    public static Tensor<T> SumTo<T>(Tensor<T> x, int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Shapes.Equal(x.Shape, shape))
        {
            return x;
        }
        if (!Shapes.BroadcastsTo(shape, x.Shape))
        {
            throw new TensorShapeException($"sum_to: shape {Shapes.Format(shape)} does not broadcast to {Shapes.Format(x.Shape)}");
        }
        int lead = x.Rank - shape.Length;
        var axes = new List<int>();
        for (int i = 0; i < x.Rank; i++)
        {
            if (i < lead || (shape[i - lead] == 1 && x.Shape[i] != 1))
            {
                axes.Add(i);
            }
        }
        var s = axes.Count == 0 ? x : Sum(x, [.. axes], keepDims: true);
        return Reshape(s, shape);
    }

    /// <summary>Broadcasts (materialises) <paramref name="x"/> to <paramref name="shape"/>.</summary>
    public static Tensor<T> BroadcastTo<T>(Tensor<T> x, int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Shapes.Equal(x.Shape, shape))
        {
            return x;
        }
        if (!Shapes.BroadcastsTo(x.Shape, shape))
        {
            throw new TensorShapeException($"broadcast_to: shape {Shapes.Format(x.Shape)} does not broadcast to {Shapes.Format(shape)}");
        }
        var y = Buffers.Uninitialized<T>(Shapes.Size(shape));
        BroadcastKernels.BroadcastTo(x.Data, x.Shape, y, shape);
        return Record(new Tensor<T>(y, (int[])shape.Clone()), OpKind.BroadcastTo, new ShapeAttr(x.Shape), x);
    }
}
