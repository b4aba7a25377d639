using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Nn;

/// <summary>Name and shape of one parameter tensor, plus its role for initialisers.</summary>
/// <param name="Layer">Index of the linear layer it belongs to (0..L-1).</param>
/// <param name="IsBias">True for a bias vector, false for a weight matrix [out, in].</param>
/// <param name="BiasFanIn">For a bias: the fan-in of its layer's weight (PyTorch's bias init uses it).</param>
public sealed record ParamSpec(string Name, int[] Shape, int Layer, bool IsBias, int? BiasFanIn = null)
{
    public int FanIn => IsBias ? BiasFanIn ?? Shape[0] : Shape[^1];

    public int FanOut => Shape[0];
}

/// <summary>
/// A model is a pure function f(θ, x): its structure is fixed at construction and its
/// parameters θ are passed explicitly (JAX/equinox style), so the same model evaluates any
/// ParamSet — a replica, a perturbed point of a landscape, a checkpoint.
/// </summary>
public abstract class Model
{
    /// <summary>Names, shapes and roles of the parameters, in ParamSet order.</summary>
    public abstract IReadOnlyList<ParamSpec> Parameters { get; }

    /// <summary>Width of the input and of the output.</summary>
    public abstract int InputSize { get; }

    public abstract int OutputSize { get; }

    /// <summary>f(θ, x) for a batch x [n, InputSize] -> [n, OutputSize].</summary>
    public abstract Tensor<T> Forward<T>(IReadOnlyList<Tensor<T>> parameters, Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T>;

    public Tensor<T> Forward<T>(ParamSet<T> parameters, Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Forward(parameters.Tensors, x);

    /// <summary>A ParamSet of zeros with the right names and shapes.</summary>
    public ParamSet<T> ZeroParams<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        new(Parameters.Select(p => p.Name).ToArray(), Parameters.Select(p => Tensor.Zeros<T>(p.Shape)).ToArray());

    public int ParameterCount => Parameters.Sum(p => Shapes.Size(p.Shape));
}
