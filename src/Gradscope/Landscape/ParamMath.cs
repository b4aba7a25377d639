using System.Numerics;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Landscape;

/// <summary>Shape checks and the few vector operations the landscape code needs on ParamSets.</summary>
internal static class ParamMath
{
    /// <summary>Throws unless <paramref name="p"/> has the model's parameter count, names' order and shapes.</summary>
    public static void CheckMatches<T>(Model model, ParamSet<T> p, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p, what);
        var specs = model.Parameters;
        if (p.Count != specs.Count)
        {
            throw new ArgumentException($"{what}: {p.Count} parameter tensors for a model with {specs.Count}", what);
        }
        for (int i = 0; i < specs.Count; i++)
        {
            if (!Shapes.Equal(p[i].Shape, specs[i].Shape))
            {
                throw new TensorShapeException($"{what}: parameter {specs[i].Name} has shape {Shapes.Format(p[i].Shape)}, the model expects {Shapes.Format(specs[i].Shape)}");
            }
        }
    }

    /// <summary>Throws unless <paramref name="p"/> has the same number of tensors and shapes as <paramref name="like"/>.</summary>
    public static void CheckLike<T>(ParamSet<T> like, ParamSet<T> p, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(p, what);
        if (p.Count != like.Count)
        {
            throw new ArgumentException($"{what}: {p.Count} parameter tensors, expected {like.Count}", what);
        }
        for (int i = 0; i < like.Count; i++)
        {
            if (!Shapes.Equal(p[i].Shape, like[i].Shape))
            {
                throw new TensorShapeException($"{what}: parameter {like.Names[i]} has shape {Shapes.Format(p[i].Shape)}, expected {Shapes.Format(like[i].Shape)}");
            }
        }
    }

    /// <summary>
    /// dst = c·v, with c = 1 a copy and c = 0 zeros (not 0·v, so a non-finite v cannot leak in).
    /// </summary>
    public static void Scale<T>(Span<T> dst, ReadOnlySpan<T> v, T c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (c == T.One)
        {
            v.CopyTo(dst);
            return;
        }
        if (c == T.Zero)
        {
            dst.Clear();
            return;
        }
        System.Numerics.Tensors.TensorPrimitives.Multiply(v, c, dst);
    }

    /// <summary>
    /// dst = dst + c·v, rounded as written (a product, then a sum: no fused multiply-add, so the result
    /// is the same on every machine and equals the plain expression θ + α·δ); c = 0 leaves dst as it is.
    /// </summary>
    public static void AddScaled<T>(Span<T> dst, ReadOnlySpan<T> v, T c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (c == T.Zero)
        {
            return;
        }
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(v, c, dst, dst); // (v·c) + dst, not fused
    }

    /// <summary>Σ_k c_k·v_k in the order written, each coefficient rounded to T first.</summary>
    public static void Combine<T>(Span<T> dst, IReadOnlyList<ReadOnlyMemory<T>> vectors, ReadOnlySpan<double> coefficients)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Scale(dst, vectors[0].Span, T.CreateTruncating(coefficients[0]));
        for (int k = 1; k < vectors.Count; k++)
        {
            AddScaled(dst, vectors[k].Span, T.CreateTruncating(coefficients[k]));
        }
    }

    /// <summary>A new ParamSet Σ_k c_k·v_k (same names and shapes as v_0), computed as <see cref="Combine"/>.</summary>
    public static ParamSet<T> Combination<T>(IReadOnlyList<ParamSet<T>> vectors, ReadOnlySpan<double> coefficients)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var first = vectors[0];
        var ts = new Tensor<T>[first.Count];
        for (int p = 0; p < ts.Length; p++)
        {
            var data = new T[first[p].Size];
            var parts = new ReadOnlyMemory<T>[vectors.Count];
            for (int k = 0; k < parts.Length; k++)
            {
                parts[k] = Memory(vectors[k][p]);
            }
            Combine(data, parts, coefficients);
            ts[p] = Tensor.Wrap(data, (int[])first[p].Shape.Clone());
        }
        return new ParamSet<T>(first.Names, ts);
    }

    /// <summary>The tensor's storage as read-only memory (no copy).</summary>
    public static ReadOnlyMemory<T> Memory<T>(Tensor<T> t) where T : unmanaged, IFloatingPointIeee754<T> => t.Data;

    /// <summary>Euclidean norm of a span, accumulated in double.</summary>
    public static double Norm<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        foreach (var v in x)
        {
            double d = double.CreateTruncating(v);
            s += d * d;
        }
        return Math.Sqrt(s);
    }

    /// <summary>A ParamSet holding <paramref name="flat"/> (float64, flattened in order) rounded to T.</summary>
    public static ParamSet<T> FromFlat<T>(ParamSet<T> like, ReadOnlySpan<double> flat) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ts = new Tensor<T>[like.Count];
        int off = 0;
        for (int p = 0; p < ts.Length; p++)
        {
            var data = new T[like[p].Size];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = T.CreateTruncating(flat[off + i]);
            }
            off += data.Length;
            ts[p] = Tensor.Wrap(data, (int[])like[p].Shape.Clone());
        }
        return new ParamSet<T>(like.Names, ts);
    }

    /// <summary>The parameters flattened in order, widened to double.</summary>
    public static double[] ToFlatDoubles<T>(ParamSet<T> p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new double[p.Size];
        int off = 0;
        foreach (var t in p.Tensors)
        {
            var s = t.Span;
            for (int i = 0; i < s.Length; i++)
            {
                r[off + i] = double.CreateTruncating(s[i]);
            }
            off += s.Length;
        }
        return r;
    }
}
