using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Tensors;

public static partial class Tensor
{
    /// <summary>Same values, new shape (one dimension may be -1). Shares storage: no copy.</summary>
    public static Tensor<T> Reshape<T>(Tensor<T> x, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == -1)
            {
                if (infer >= 0)
                {
                    throw new TensorShapeException($"reshape: more than one -1 in {Shapes.Format(shape)}");
                }
                infer = i;
            }
            else
            {
                known *= s[i];
            }
        }
        if (infer >= 0)
        {
            if (known == 0 || x.Size % known != 0)
            {
                throw new TensorShapeException($"reshape: cannot reshape {Shapes.Format(x.Shape)} into {Shapes.Format(shape)}");
            }
            s[infer] = (int)(x.Size / known);
        }
        if (Shapes.Size(s) != x.Size)
        {
            throw new TensorShapeException($"reshape: cannot reshape {Shapes.Format(x.Shape)} ({x.Size} elements) into {Shapes.Format(shape)}");
        }
        if (Shapes.Equal(s, x.Shape))
        {
            return x;
        }
        return Record(new Tensor<T>(x.Data, s), OpKind.Reshape, new ShapeAttr(x.Shape), x);
    }

    public static Tensor<T> Flatten<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> => Reshape(x, x.Size);

    /// <summary>Inserts a size-1 axis at <paramref name="axis"/>.</summary>
    public static Tensor<T> Unsqueeze<T>(Tensor<T> x, int axis) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int a = Shapes.Axis("unsqueeze", axis, x.Rank + 1);
        var s = new List<int>(x.Shape);
        s.Insert(a, 1);
        return Reshape(x, [.. s]);
    }

    /// <summary>Removes a size-1 axis.</summary>
    public static Tensor<T> Squeeze<T>(Tensor<T> x, int axis) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int a = Shapes.Axis("squeeze", axis, x.Rank);
        if (x.Shape[a] != 1)
        {
            throw new TensorShapeException($"squeeze: axis {axis} of shape {Shapes.Format(x.Shape)} has size {x.Shape[a]}, not 1");
        }
        var s = new List<int>(x.Shape);
        s.RemoveAt(a);
        return Reshape(x, [.. s]);
    }

    /// <summary>Reorders axes: output axis i is input axis perm[i].</summary>
    public static Tensor<T> Permute<T>(Tensor<T> x, params int[] perm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (perm.Length != x.Rank)
        {
            throw new TensorShapeException($"permute: {perm.Length} axes given for a tensor of shape {Shapes.Format(x.Shape)}");
        }
        var p = new int[perm.Length];
        var seen = new bool[perm.Length];
        bool identity = true;
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = Shapes.Axis("permute", perm[i], x.Rank);
            if (seen[p[i]])
            {
                throw new TensorShapeException($"permute: axis {p[i]} repeated in [{string.Join(", ", perm)}]");
            }
            seen[p[i]] = true;
            identity &= p[i] == i;
        }
        if (identity)
        {
            return x;
        }
        var shape = new int[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            shape[i] = x.Shape[p[i]];
        }
        return Record(new Tensor<T>(LayoutKernels.Permute(x.Data, x.Shape, p), shape), OpKind.Permute, new PermAttr(p), x);
    }

    /// <summary>Swaps two axes (default: the last two — the matrix transpose).</summary>
    public static Tensor<T> Transpose<T>(Tensor<T> x, int axis0 = -2, int axis1 = -1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Rank < 2)
        {
            throw new TensorShapeException($"transpose: tensor of shape {Shapes.Format(x.Shape)} has fewer than 2 axes");
        }
        int a = Shapes.Axis("transpose", axis0, x.Rank), b = Shapes.Axis("transpose", axis1, x.Rank);
        var p = new int[x.Rank];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = i;
        }
        (p[a], p[b]) = (p[b], p[a]);
        return Permute(x, p);
    }

    /// <summary>Strided slice along one axis: start (inclusive), stop (exclusive), step &gt; 0; negative start/stop count from the end.</summary>
    public static Tensor<T> Slice<T>(Tensor<T> x, int axis, int start, int stop, int step = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int a = Shapes.Axis("slice", axis, x.Rank);
        var starts = new int[x.Rank];
        var stops = (int[])x.Shape.Clone();
        var steps = new int[x.Rank];
        Array.Fill(steps, 1);
        starts[a] = start;
        stops[a] = stop;
        steps[a] = step;
        return Slice(x, starts, stops, steps);
    }

    /// <summary>Strided slice over every axis (NumPy's x[s0:e0:k0, s1:e1:k1, ...]).</summary>
    public static Tensor<T> Slice<T>(Tensor<T> x, int[] starts, int[] stops, int[]? steps = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int r = x.Rank;
        if (starts.Length != r || stops.Length != r || (steps is not null && steps.Length != r))
        {
            throw new TensorShapeException($"slice: bounds of rank {starts.Length} for a tensor of shape {Shapes.Format(x.Shape)}");
        }
        var st = new int[r];
        var sp = new int[r];
        var outShape = new int[r];
        bool identity = true;
        for (int i = 0; i < r; i++)
        {
            int n = x.Shape[i];
            int k = steps?[i] ?? 1;
            if (k <= 0)
            {
                throw new TensorShapeException($"slice: step {k} on axis {i} must be positive");
            }
            int s0 = Math.Clamp(starts[i] < 0 ? starts[i] + n : starts[i], 0, n);
            int e0 = Math.Clamp(stops[i] < 0 ? stops[i] + n : stops[i], 0, n);
            st[i] = s0;
            sp[i] = k;
            outShape[i] = e0 > s0 ? (e0 - s0 + k - 1) / k : 0;
            identity &= s0 == 0 && k == 1 && outShape[i] == n;
        }
        if (identity)
        {
            return x;
        }
        var y = LayoutKernels.Slice(x.Data, x.Shape, st, sp, outShape);
        return Record(new Tensor<T>(y, outShape), OpKind.Slice, new SliceAttr(st, sp, outShape, (int[])x.Shape.Clone()), x);
    }

    /// <summary>Zeros of <paramref name="fullShape"/> with <paramref name="x"/> placed at a strided slice: the adjoint of <see cref="Slice{T}(Tensor{T}, int[], int[], int[])"/>.</summary>
    public static Tensor<T> SliceScatter<T>(Tensor<T> x, int[] fullShape, int[] starts, int[] steps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Rank; i++)
        {
            if (x.Shape[i] > 0 && starts[i] + (x.Shape[i] - 1) * steps[i] >= fullShape[i])
            {
                throw new TensorShapeException($"slice_scatter: {Shapes.Format(x.Shape)} does not fit into {Shapes.Format(fullShape)} at axis {i}");
            }
        }
        var y = LayoutKernels.SliceScatter(x.Data, x.Shape, fullShape, starts, steps);
        return Record(new Tensor<T>(y, (int[])fullShape.Clone()), OpKind.SliceScatter,
            new SliceAttr((int[])starts.Clone(), (int[])steps.Clone(), (int[])x.Shape.Clone(), (int[])fullShape.Clone()), x);
    }

    /// <summary>Zero padding: (before, after) per axis.</summary>
    public static Tensor<T> Pad<T>(Tensor<T> x, (int Before, int After)[] pads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (pads.Length != x.Rank)
        {
            throw new TensorShapeException($"pad: {pads.Length} pad pairs for a tensor of shape {Shapes.Format(x.Shape)}");
        }
        var full = new int[x.Rank];
        var starts = new int[x.Rank];
        var steps = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++)
        {
            if (pads[i].Before < 0 || pads[i].After < 0)
            {
                throw new TensorShapeException($"pad: negative padding on axis {i}");
            }
            full[i] = x.Shape[i] + pads[i].Before + pads[i].After;
            starts[i] = pads[i].Before;
            steps[i] = 1;
        }
        return SliceScatter(x, full, starts, steps);
    }

    /// <summary>Selects entries <paramref name="index"/> along <paramref name="axis"/> (gather; repeats allowed).</summary>
    public static Tensor<T> IndexSelect<T>(Tensor<T> x, int axis, int[] index) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int a = Shapes.Axis("index_select", axis, x.Rank);
        var y = LayoutKernels.IndexSelect(x.Data, x.Shape, a, index);
        var shape = (int[])x.Shape.Clone();
        shape[a] = index.Length;
        return Record(new Tensor<T>(y, shape), OpKind.IndexSelect, new IndexAttr(a, index, x.Shape[a]), x);
    }

    /// <summary>
    /// Zeros with <paramref name="dimSize"/> entries on <paramref name="axis"/>, into which
    /// src[..., j, ...] is added at position index[j] (repeated indices accumulate).
    /// </summary>
    public static Tensor<T> ScatterAdd<T>(Tensor<T> src, int axis, int[] index, int dimSize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int a = Shapes.Axis("scatter_add", axis, src.Rank);
        if (src.Shape[a] != index.Length)
        {
            throw new TensorShapeException($"scatter_add: {index.Length} indices for axis {a} of source shape {Shapes.Format(src.Shape)}");
        }
        var y = LayoutKernels.ScatterAdd(src.Data, src.Shape, a, index, dimSize);
        var shape = (int[])src.Shape.Clone();
        shape[a] = dimSize;
        return Record(new Tensor<T>(y, shape), OpKind.ScatterAdd, new IndexAttr(a, index, dimSize), src);
    }

    /// <summary>target + ScatterAdd(src, axis, index, target.Shape[axis]).</summary>
    public static Tensor<T> ScatterAdd<T>(Tensor<T> target, int axis, int[] index, Tensor<T> src) where T : unmanaged, IFloatingPointIeee754<T> =>
        Add(target, ScatterAdd(src, axis, index, target.Shape[Shapes.Axis("scatter_add", axis, target.Rank)]));

    public static Tensor<T> Concat<T>(IReadOnlyList<Tensor<T>> xs, int axis = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (xs.Count == 0)
        {
            throw new TensorShapeException("concat: no tensors given");
        }
        int r = xs[0].Rank;
        int a = Shapes.Axis("concat", axis, r);
        var shape = (int[])xs[0].Shape.Clone();
        shape[a] = 0;
        foreach (var x in xs)
        {
            bool ok = x.Rank == r;
            for (int i = 0; ok && i < r; i++)
            {
                ok = i == a || x.Shape[i] == xs[0].Shape[i];
            }
            if (!ok)
            {
                throw new TensorShapeException($"concat: shapes {string.Join(" and ", xs.Select(t => Shapes.Format(t.Shape)))} differ off axis {a}");
            }
            shape[a] += x.Shape[a];
        }
        var y = LayoutKernels.Concat(xs.Select(t => t.Data).ToList(), xs.Select(t => t.Shape).ToList(), a, shape);
        return Record(new Tensor<T>(y, shape), OpKind.Concat, new ConcatAttr(a), [.. xs]);
    }

    public static Tensor<T> Stack<T>(IReadOnlyList<Tensor<T>> xs, int axis = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (xs.Count == 0)
        {
            throw new TensorShapeException("stack: no tensors given");
        }
        int a = Shapes.Axis("stack", axis, xs[0].Rank + 1);
        return Concat(xs.Select(x => Unsqueeze(x, a)).ToList(), a);
    }

    /// <summary>One-hot rows: labels [n] in [0, classes) -> [n, classes] (a constant).</summary>
    public static Tensor<T> OneHot<T>(ReadOnlySpan<int> labels, int classes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = new T[labels.Length * classes];
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new IndexOutOfRangeException($"one_hot: label {labels[i]} at position {i} is outside [0, {classes})");
            }
            y[i * classes + labels[i]] = T.One;
        }
        return new Tensor<T>(y, [labels.Length, classes]);
    }
}
