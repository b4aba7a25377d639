using System.Numerics;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// Elementwise binary ops under NumPy broadcasting. Dimensions are first collapsed where both
/// operands are contiguous together, so the common cases (same shape, a scalar, a bias row
/// added to a matrix, a column scaling a matrix) become calls of the vectorised loop over runs.
/// </summary>
internal static class BroadcastKernels
{
    public static void Binary<T, TOp>(T[] a, int[] aShape, T[] b, int[] bShape, T[] y, int[] yShape)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOp<T>
    {
        if (y.Length == 0)
        {
            return;
        }
        if (a.Length == y.Length && b.Length == y.Length)
        {
            ElementwiseLoop.Binary<T, TOp>(a, b, y);
            return;
        }
        if (b.Length == 1 && a.Length == y.Length)
        {
            ElementwiseLoop.BinaryScalarRight<T, TOp>(a, b[0], y);
            return;
        }
        if (a.Length == 1 && b.Length == y.Length)
        {
            ElementwiseLoop.BinaryScalarLeft<T, TOp>(a[0], b, y);
            return;
        }
        var (dims, sa, sb) = Collapse(yShape, Shapes.BroadcastStrides(aShape, yShape), Shapes.BroadcastStrides(bShape, yShape));
        int r = dims.Length;
        int inner = dims[r - 1];
        int ia = sa[r - 1], ib = sb[r - 1];
        int outer = y.Length / inner;
        var idx = new int[r];
        int offA = 0, offB = 0;
        for (int o = 0; o < outer; o++)
        {
            var ys = y.AsSpan(o * inner, inner);
            if (ia == 1 && ib == 1)
            {
                ElementwiseLoop.Binary<T, TOp>(a.AsSpan(offA, inner), b.AsSpan(offB, inner), ys);
            }
            else if (ia == 1)
            {
                ElementwiseLoop.BinaryScalarRight<T, TOp>(a.AsSpan(offA, inner), b[offB], ys);
            }
            else if (ib == 1)
            {
                ElementwiseLoop.BinaryScalarLeft<T, TOp>(a[offA], b.AsSpan(offB, inner), ys);
            }
            else
            {
                ys.Fill(TOp.Invoke(a[offA], b[offB]));
            }
            // Odometer over the outer dimensions.
            for (int d = r - 2; d >= 0; d--)
            {
                idx[d]++;
                offA += sa[d];
                offB += sb[d];
                if (idx[d] < dims[d])
                {
                    break;
                }
                offA -= sa[d] * dims[d];
                offB -= sb[d] * dims[d];
                idx[d] = 0;
            }
        }
    }

    /// <summary>Copies <paramref name="x"/> (shape <paramref name="xShape"/>) broadcast to <paramref name="yShape"/>.</summary>
    public static void BroadcastTo<T>(T[] x, int[] xShape, T[] y, int[] yShape) where T : unmanaged
    {
        if (y.Length == 0)
        {
            return;
        }
        if (x.Length == y.Length)
        {
            x.AsSpan().CopyTo(y);
            return;
        }
        if (x.Length == 1)
        {
            y.AsSpan().Fill(x[0]);
            return;
        }
        var (dims, sx) = Collapse(yShape, Shapes.BroadcastStrides(xShape, yShape));
        StridedCopy<T>(x, dims, sx, y);
    }

    /// <summary>y (contiguous, shape dims) = x read with the given element strides.</summary>
    public static void StridedCopy<T>(ReadOnlySpan<T> x, int[] dims, int[] sx, Span<T> y) where T : unmanaged
    {
        int r = dims.Length;
        if (r == 0)
        {
            y[0] = x[0];
            return;
        }
        int inner = dims[r - 1];
        int ix = sx[r - 1];
        int outer = inner == 0 ? 0 : y.Length / inner;
        var idx = new int[r];
        int off = 0;
        for (int o = 0; o < outer; o++)
        {
            var ys = y.Slice(o * inner, inner);
            if (ix == 1)
            {
                x.Slice(off, inner).CopyTo(ys);
            }
            else if (ix == 0)
            {
                ys.Fill(x[off]);
            }
            else
            {
                for (int j = 0, p = off; j < inner; j++, p += ix)
                {
                    ys[j] = x[p];
                }
            }
            for (int d = r - 2; d >= 0; d--)
            {
                idx[d]++;
                off += sx[d];
                if (idx[d] < dims[d])
                {
                    break;
                }
                off -= sx[d] * dims[d];
                idx[d] = 0;
            }
        }
    }

    /// <summary>Merges adjacent dimensions that are contiguous for every operand; drops size-1 dimensions.</summary>
    public static (int[] Dims, int[] S1) Collapse(int[] shape, int[] s1)
    {
        var (d, a, _) = Collapse(shape, s1, s1);
        return (d, a);
    }

    public static (int[] Dims, int[] S1, int[] S2) Collapse(int[] shape, int[] s1, int[] s2)
    {
        var dims = new List<int>(shape.Length);
        var a = new List<int>(shape.Length);
        var b = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1)
            {
                continue;
            }
            int k = dims.Count - 1;
            if (k >= 0 && a[k] == s1[i] * shape[i] && b[k] == s2[i] * shape[i])
            {
                dims[k] *= shape[i];
                a[k] = s1[i];
                b[k] = s2[i];
            }
            else
            {
                dims.Add(shape[i]);
                a.Add(s1[i]);
                b.Add(s2[i]);
            }
        }
        if (dims.Count == 0)
        {
            return ([1], [0], [0]);
        }
        return ([.. dims], [.. a], [.. b]);
    }
}
