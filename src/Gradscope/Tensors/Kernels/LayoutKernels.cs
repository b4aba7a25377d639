using System.Numerics;

namespace Gradscope.Tensors.Kernels;

/// <summary>Data movement: permutation, strided slices and their scatter, index select and scatter-add, concatenation.</summary>
internal static class LayoutKernels
{
    public static T[] Permute<T>(T[] x, int[] shape, int[] perm) where T : unmanaged
    {
        var st = Shapes.Strides(shape);
        var dims = new int[perm.Length];
        var sx = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            dims[i] = shape[perm[i]];
            sx[i] = st[perm[i]];
        }
        var y = Buffers.Uninitialized<T>(x.Length);
        if (y.Length == 0)
        {
            return y;
        }
        if (dims.Length == 2 && sx[1] != 1)
        {
            Transpose2D(x, dims[1], dims[0], y);
            return y;
        }
        var (cd, cs) = BroadcastKernels.Collapse(dims, sx);
        BroadcastKernels.StridedCopy<T>(x, cd, cs, y);
        return y;
    }

    /// <summary>Cache-blocked transpose of a rows x cols matrix.</summary>
    public static void Transpose2D<T>(ReadOnlySpan<T> x, int rows, int cols, Span<T> y)
    {
        const int B = 32;
        for (int i0 = 0; i0 < rows; i0 += B)
        {
            int i1 = Math.Min(rows, i0 + B);
            for (int j0 = 0; j0 < cols; j0 += B)
            {
                int j1 = Math.Min(cols, j0 + B);
                for (int i = i0; i < i1; i++)
                {
                    for (int j = j0; j < j1; j++)
                    {
                        y[j * rows + i] = x[i * cols + j];
                    }
                }
            }
        }
    }

    /// <summary>Output of a strided slice: per axis start and step, with output dims <paramref name="outShape"/>.</summary>
    public static T[] Slice<T>(T[] x, int[] shape, int[] starts, int[] steps, int[] outShape) where T : unmanaged
    {
        var st = Shapes.Strides(shape);
        int off = 0;
        var sx = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            off += starts[i] * st[i];
            sx[i] = st[i] * steps[i];
        }
        var y = Buffers.Uninitialized<T>(Shapes.Size(outShape));
        if (y.Length == 0)
        {
            return y;
        }
        var (cd, cs) = BroadcastKernels.Collapse(outShape, sx);
        BroadcastKernels.StridedCopy<T>(x.AsSpan(off), cd, cs, y);
        return y;
    }

    /// <summary>Zeros of <paramref name="fullShape"/> with <paramref name="src"/> written at the slice positions (the slice's adjoint).</summary>
    public static T[] SliceScatter<T>(T[] src, int[] srcShape, int[] fullShape, int[] starts, int[] steps) where T : unmanaged
    {
        var y = new T[Shapes.Size(fullShape)];
        if (src.Length == 0)
        {
            return y;
        }
        var st = Shapes.Strides(fullShape);
        int r = srcShape.Length;
        int off0 = 0;
        var sy = new int[r];
        for (int i = 0; i < r; i++)
        {
            off0 += starts[i] * st[i];
            sy[i] = st[i] * steps[i];
        }
        var idx = new int[r];
        int inner = r == 0 ? 1 : srcShape[r - 1];
        int iy = r == 0 ? 1 : sy[r - 1];
        int outer = src.Length / inner;
        int off = off0;
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < inner; j++)
            {
                y[off + j * iy] = src[o * inner + j];
            }
            for (int d = r - 2; d >= 0; d--)
            {
                idx[d]++;
                off += sy[d];
                if (idx[d] < srcShape[d])
                {
                    break;
                }
                off -= sy[d] * srcShape[d];
                idx[d] = 0;
            }
        }
        return y;
    }

    /// <summary>y[..., j, ...] = x[..., index[j], ...] along <paramref name="axis"/>.</summary>
    public static T[] IndexSelect<T>(T[] x, int[] shape, int axis, int[] index) where T : unmanaged
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= shape[i];
        }
        for (int i = axis + 1; i < shape.Length; i++)
        {
            inner *= shape[i];
        }
        int n = shape[axis];
        int m = index.Length;
        var y = Buffers.Uninitialized<T>(outer * m * inner);
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < m; j++)
            {
                int src = index[j];
                if ((uint)src >= (uint)n)
                {
                    throw new IndexOutOfRangeException($"index_select: index {src} out of range for axis {axis} of size {n}");
                }
                if (inner == 1)
                {
                    y[o * m + j] = x[o * n + src];
                }
                else
                {
                    x.AsSpan((o * n + src) * inner, inner).CopyTo(y.AsSpan((o * m + j) * inner, inner));
                }
            }
        }
        return y;
    }

    /// <summary>y = zeros with size <paramref name="dimSize"/> on <paramref name="axis"/>; y[..., index[j], ...] += src[..., j, ...].</summary>
    public static T[] ScatterAdd<T>(T[] src, int[] srcShape, int axis, int[] index, int dimSize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= srcShape[i];
        }
        for (int i = axis + 1; i < srcShape.Length; i++)
        {
            inner *= srcShape[i];
        }
        int m = index.Length;
        var y = new T[outer * dimSize * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < m; j++)
            {
                int dst = index[j];
                if ((uint)dst >= (uint)dimSize)
                {
                    throw new IndexOutOfRangeException($"scatter_add: index {dst} out of range for axis {axis} of size {dimSize}");
                }
                if (inner == 1)
                {
                    y[o * dimSize + dst] += src[o * m + j];
                }
                else
                {
                    var acc = y.AsSpan((o * dimSize + dst) * inner, inner);
                    ElementwiseLoop.Binary<T, AddOp<T>>(acc, src.AsSpan((o * m + j) * inner, inner), acc);
                }
            }
        }
        return y;
    }

    /// <summary>Concatenation along <paramref name="axis"/> of tensors whose other dimensions agree.</summary>
    public static T[] Concat<T>(IReadOnlyList<T[]> xs, IReadOnlyList<int[]> shapes, int axis, int[] outShape) where T : unmanaged
    {
        var y = Buffers.Uninitialized<T>(Shapes.Size(outShape));
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= outShape[i];
        }
        for (int i = axis + 1; i < outShape.Length; i++)
        {
            inner *= outShape[i];
        }
        int total = outShape[axis] * inner;
        int colOff = 0;
        for (int t = 0; t < xs.Count; t++)
        {
            int w = shapes[t][axis] * inner;
            for (int o = 0; o < outer; o++)
            {
                xs[t].AsSpan(o * w, w).CopyTo(y.AsSpan(o * total + colOff, w));
            }
            colOff += w;
        }
        return y;
    }
}
