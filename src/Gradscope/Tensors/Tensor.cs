using System.Globalization;
using System.Numerics;
using System.Text;
using Gradscope.Autodiff;

namespace Gradscope.Tensors;

/// <summary>
/// A dense, row-major tensor of float64 or float32 values — one code path for both through
/// generic math. Values are treated as immutable by every operation: an op allocates its result,
/// so tensors saved by the autodiff graph stay valid. (In-place updates are reserved for
/// optimisers acting on leaf parameters outside any recorded graph.)
/// </summary>
public sealed partial class Tensor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal readonly T[] Data;

    /// <summary>Dimensions, outermost first. Do not mutate.</summary>
    public int[] Shape { get; }

    public int Rank => Shape.Length;

    public int Size => Data.Length;

    /// <summary>True for leaves the user asked gradients for, and for every result computed from one while recording.</summary>
    public bool RequiresGrad { get; internal set; }

    /// <summary>The operation that produced this tensor while recording (null for leaves and constants).</summary>
    internal Node<T>? Node { get; set; }

    /// <summary>Gradient stored by <see cref="Backward"/> on leaves that require it.</summary>
    public Tensor<T>? Grad { get; set; }

    /// <summary>Optional label used in error messages and parameter listings.</summary>
    public string? Name { get; set; }

    internal Tensor(T[] data, int[] shape)
    {
        Data = data;
        Shape = shape;
    }

    /// <summary>A read-only view of the values in row-major order.</summary>
    public ReadOnlySpan<T> Span => Data;

    /// <summary>
    /// The storage itself, writable. Only for code that owns the tensor outside any recorded graph
    /// (optimiser updates, data loading); writing a tensor the graph saved corrupts its gradients.
    /// </summary>
    public Span<T> MutableSpan => Data;

    public string DType => typeof(T) == typeof(double) ? "float64" : typeof(T) == typeof(float) ? "float32" : typeof(T).Name;

    /// <summary>Marks this leaf as requiring gradients (returns this for chaining).</summary>
    public Tensor<T> RequireGrad(bool on = true)
    {
        if (Node is not null && !on)
        {
            throw new InvalidOperationException("RequireGrad(false) on a non-leaf tensor; use Detach()");
        }
        RequiresGrad = on;
        return this;
    }

    /// <summary>The same values without history: a constant for autodiff (JAX's stop_gradient).</summary>
    public Tensor<T> Detach() => new(Data, Shape);

    [System.Runtime.CompilerServices.IndexerName("At")]
    public T this[params int[] index]
    {
        get => Data[Offset(index)];
    }

    private int Offset(int[] index)
    {
        if (index.Length != Rank)
        {
            throw new TensorShapeException($"index of rank {index.Length} into a tensor of shape {Shapes.Format(Shape)}");
        }
        int off = 0;
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)Shape[i])
            {
                throw new IndexOutOfRangeException($"index {index[i]} out of range for axis {i} of shape {Shapes.Format(Shape)}");
            }
            off = off * Shape[i] + index[i];
        }
        return off;
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public T Item()
    {
        if (Size != 1)
        {
            throw new TensorShapeException($"Item: tensor of shape {Shapes.Format(Shape)} has {Size} elements, not 1");
        }
        return Data[0];
    }

    public T[] ToArray() => (T[])Data.Clone();

    /// <summary>Values converted to double (for metrics, logging, comparisons in tests).</summary>
    public double[] ToDoubleArray()
    {
        var r = new double[Size];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = double.CreateTruncating(Data[i]);
        }
        return r;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Tensor<").Append(DType).Append('>').Append(Shapes.Format(Shape));
        if (Size <= 32)
        {
            sb.Append(" {");
            for (int i = 0; i < Size; i++)
            {
                sb.Append(i == 0 ? "" : ", ").Append(double.CreateTruncating(Data[i]).ToString("G6", CultureInfo.InvariantCulture));
            }
            sb.Append('}');
        }
        if (Node is not null)
        {
            sb.Append(" grad_fn=").Append(Node.Op);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Reverse-mode accumulation from this scalar into the <see cref="Grad"/> of every leaf that
    /// requires it (PyTorch's <c>backward()</c>). Gradients accumulate across calls.
    /// </summary>
    public void Backward(Tensor<T>? seed = null, bool createGraph = false) => Backprop.BackwardToLeaves(this, seed, createGraph);
}
