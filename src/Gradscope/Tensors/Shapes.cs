namespace Gradscope.Tensors;

/// <summary>Shape arithmetic: sizes, row-major strides, NumPy broadcasting, axis normalisation.</summary>
public static class Shapes
{
    public static readonly int[] Scalar = [];

    public static int Size(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new TensorShapeException($"negative dimension in shape {Format(shape)}");
            }
            n *= d;
        }
        if (n > int.MaxValue)
        {
            throw new TensorShapeException($"shape {Format(shape)} has more than 2^31 elements");
        }
        return (int)n;
    }

    /// <summary>Row-major (C-order) strides in elements.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>NumPy broadcasting: align trailing dimensions; each pair must be equal or one of them 1.</summary>
    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int r = Math.Max(a.Length, b.Length);
        var o = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i < r - a.Length ? 1 : a[i - (r - a.Length)];
            int db = i < r - b.Length ? 1 : b[i - (r - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                throw new TensorShapeException(
                    $"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast together (axis {i}: {da} vs {db})");
            }
            o[i] = da == 1 ? db : da;
        }
        return o;
    }

    /// <summary>True when <paramref name="from"/> broadcasts to <paramref name="to"/>.</summary>
    public static bool BroadcastsTo(ReadOnlySpan<int> from, ReadOnlySpan<int> to)
    {
        if (from.Length > to.Length)
        {
            return false;
        }
        int off = to.Length - from.Length;
        for (int i = 0; i < from.Length; i++)
        {
            if (from[i] != 1 && from[i] != to[i + off])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Strides of <paramref name="from"/> viewed with shape <paramref name="to"/>: 0 on broadcast axes.</summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> from, ReadOnlySpan<int> to)
    {
        var st = new int[to.Length];
        int off = to.Length - from.Length;
        int acc = 1;
        for (int i = from.Length - 1; i >= 0; i--)
        {
            st[i + off] = from[i] == 1 ? 0 : acc;
            acc *= from[i];
        }
        return st;
    }

    /// <summary>Normalises an axis (negative counts from the end) and checks its range.</summary>
    public static int Axis(string op, int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new TensorShapeException($"{op}: axis {axis} is out of range for a tensor of rank {rank}");
        }
        return a;
    }

    /// <summary>Normalised, sorted, distinct axes; null or empty means all axes.</summary>
    public static int[] Axes(string op, int[]? axes, int rank)
    {
        if (axes is null || axes.Length == 0)
        {
            var all = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                all[i] = i;
            }
            return all;
        }
        var res = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            res[i] = Axis(op, axes[i], rank);
        }
        Array.Sort(res);
        for (int i = 1; i < res.Length; i++)
        {
            if (res[i] == res[i - 1])
            {
                throw new TensorShapeException($"{op}: axis {res[i]} repeated in [{string.Join(", ", axes)}]");
            }
        }
        return res;
    }

    /// <summary>Shape after reducing <paramref name="axes"/> (sorted, normalised).</summary>
    public static int[] Reduced(ReadOnlySpan<int> shape, ReadOnlySpan<int> axes, bool keepDims)
    {
        var o = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++)
        {
            bool red = axes.Contains(i);
            if (!red)
            {
                o.Add(shape[i]);
            }
            else if (keepDims)
            {
                o.Add(1);
            }
        }
        return [.. o];
    }
}
