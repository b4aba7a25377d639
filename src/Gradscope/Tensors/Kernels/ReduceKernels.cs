using System.Numerics;
using System.Numerics.Tensors;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// Sum and max over a set of axes. A contiguous block of reduced axes is viewed as
/// [outer, reduced, inner]; other sets are reduced one block at a time. The summation order is
/// fixed by the shape alone (no threading), so results are bitwise reproducible.
/// </summary>
internal static class ReduceKernels
{
    public static T[] Sum<T>(T[] x, int[] shape, int[] axes) where T : unmanaged, IFloatingPointIeee754<T> =>
        Reduce<T, AddOp<T>>(x, shape, axes, isMax: false);

    public static T[] Max<T>(T[] x, int[] shape, int[] axes) where T : unmanaged, IFloatingPointIeee754<T> =>
        Reduce<T, MaxOp<T>>(x, shape, axes, isMax: true);

    private static T[] Reduce<T, TOp>(T[] x, int[] shape, int[] axes, bool isMax)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOp<T>
    {
        if (axes.Length == 0)
        {
            return (T[])x.Clone();
        }
        // Reduce the last contiguous block of axes, then recurse on the rest (keeping dims).
        int hi = axes[^1];
        int lo = hi;
        int k = axes.Length - 1;
        while (k > 0 && axes[k - 1] == lo - 1)
        {
            k--;
            lo--;
        }
        int outer = 1, red = 1, inner = 1;
        for (int i = 0; i < lo; i++)
        {
            outer *= shape[i];
        }
        for (int i = lo; i <= hi; i++)
        {
            red *= shape[i];
        }
        for (int i = hi + 1; i < shape.Length; i++)
        {
            inner *= shape[i];
        }
        if (red == 0 && isMax)
        {
            throw new TensorShapeException($"max: reduction over an empty axis of shape {Shapes.Format(shape)}");
        }
        var y = new T[outer * inner];
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var row = x.AsSpan(o * red, red);
                y[o] = red == 0 ? T.Zero : isMax ? TensorPrimitives.Max<T>(row) : TensorPrimitives.Sum<T>(row);
            }
        }
        else
        {
            for (int o = 0; o < outer; o++)
            {
                var acc = y.AsSpan(o * inner, inner);
                if (red == 0)
                {
                    continue;
                }
                x.AsSpan(o * red * inner, inner).CopyTo(acc);
                for (int r = 1; r < red; r++)
                {
                    ElementwiseLoop.Binary<T, TOp>(acc, x.AsSpan((o * red + r) * inner, inner), acc);
                }
            }
        }
        if (k == 0)
        {
            return y;
        }
        var newShape = (int[])shape.Clone();
        for (int i = lo; i <= hi; i++)
        {
            newShape[i] = 1;
        }
        return Reduce<T, TOp>(y, newShape, axes[..k], isMax);
    }
}
