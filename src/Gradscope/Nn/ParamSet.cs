using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Nn;

/// <summary>
/// Parameters as plain data (equinox-style): an ordered list of named tensors with PyTorch
/// state-dict names and shapes (<c>layers.{i}.weight</c> [out, in], <c>layers.{i}.bias</c> [out]).
/// Models are functions of a ParamSet, so gradients, HVPs and replicas need no hidden state.
/// </summary>
public sealed class ParamSet<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<Tensor<T>> Tensors { get; }

    public ParamSet(IReadOnlyList<string> names, IReadOnlyList<Tensor<T>> tensors)
    {
        if (names.Count != tensors.Count)
        {
            throw new ArgumentException($"{names.Count} names for {tensors.Count} tensors");
        }
        Names = names;
        Tensors = tensors;
    }

    public int Count => Tensors.Count;

    public Tensor<T> this[int i] => Tensors[i];

    public Tensor<T> this[string name]
    {
        get
        {
            for (int i = 0; i < Names.Count; i++)
            {
                if (Names[i] == name)
                {
                    return Tensors[i];
                }
            }
            throw new KeyNotFoundException($"no parameter named '{name}' (have: {string.Join(", ", Names)})");
        }
    }

    /// <summary>Total number of scalar parameters.</summary>
    public long Size => Tensors.Sum(t => (long)t.Size);

    /// <summary>A ParamSet with the same names and new tensors (shapes must match).</summary>
    public ParamSet<T> With(IReadOnlyList<Tensor<T>> tensors)
    {
        if (tensors.Count != Count)
        {
            throw new ArgumentException($"{tensors.Count} tensors for {Count} parameters");
        }
        for (int i = 0; i < Count; i++)
        {
            if (!Shapes.Equal(tensors[i].Shape, Tensors[i].Shape))
            {
                throw new TensorShapeException($"parameter {Names[i]}: shape {Shapes.Format(tensors[i].Shape)} does not match {Shapes.Format(Tensors[i].Shape)}");
            }
        }
        return new ParamSet<T>(Names, tensors);
    }

    /// <summary>Deep copy of the values, without autodiff history.</summary>
    public ParamSet<T> Clone() => new(Names, Tensors.Select(t => Tensor.FromArray(t.ToArray(), t.Shape)).ToArray());

    /// <summary>All parameters flattened into one vector (in order).</summary>
    public T[] Flatten()
    {
        var r = new T[Size];
        int off = 0;
        foreach (var t in Tensors)
        {
            t.Span.CopyTo(r.AsSpan(off));
            off += t.Size;
        }
        return r;
    }

    /// <summary>The inverse of <see cref="Flatten"/>: same names and shapes, values from <paramref name="flat"/>.</summary>
    public ParamSet<T> Unflatten(ReadOnlySpan<T> flat)
    {
        if (flat.Length != Size)
        {
            throw new ArgumentException($"{flat.Length} values for {Size} parameters");
        }
        var ts = new Tensor<T>[Count];
        int off = 0;
        for (int i = 0; i < Count; i++)
        {
            ts[i] = Tensor.FromArray(flat.Slice(off, Tensors[i].Size).ToArray(), Tensors[i].Shape);
            off += Tensors[i].Size;
        }
        return new ParamSet<T>(Names, ts);
    }
}
