using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Autodiff;

/// <summary>
/// One recorded application of a primitive: which op, its inputs, and the static attributes its
/// rule needs (axes, scalars, slice bounds). The output tensor owns the node.
/// </summary>
internal sealed class Node<T>(OpKind op, Tensor<T>[] inputs, object? attr) where T : unmanaged, IFloatingPointIeee754<T>
{
    public OpKind Op { get; } = op;

    public Tensor<T>[] Inputs { get; } = inputs;

    public object? Attr { get; } = attr;
}

// Attribute records of the primitives that carry static data.
internal sealed record ScalarAttr(double Value);

internal sealed record ClampAttr(double? Min, double? Max);

internal sealed record AxesAttr(int[] Axes, bool KeepDims);

internal sealed record ShapeAttr(int[] Shape);

internal sealed record PermAttr(int[] Perm);

internal sealed record SliceAttr(int[] Starts, int[] Steps, int[] SliceShape, int[] FullShape);

internal sealed record IndexAttr(int Axis, int[] Index, int DimSize);

internal sealed record ConcatAttr(int Axis);

internal sealed record MatMulAttr(bool TransA, bool TransB);
