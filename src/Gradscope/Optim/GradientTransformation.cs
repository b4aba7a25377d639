using System.Numerics;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Optim;

/// <summary>
/// An optimiser as a gradient transformation (optax, Babuschkin et al. 2020): a pair
/// <c>Init(params) -> state</c> and <c>Update(grads, state, params) -> (updates, state)</c>.
/// States are immutable records of plain data, so they checkpoint, diff and inspect easily.
/// Updates carry their sign: the new parameters are θ + u (<see cref="Optimizer.ApplyUpdates{T}"/>).
/// </summary>
public abstract class GradientTransformation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Short snake_case name used in listings, e.g. <c>scale_by_adam</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The initial state for parameters shaped like <paramref name="parameters"/>.</summary>
    public abstract OptimizerState<T> Init(ParamSet<T> parameters);

    /// <summary>
    /// Transforms <paramref name="grads"/> (one tensor per parameter, in ParamSet order) into updates.
    /// Never mutates its arguments: the returned state is a new record with new buffers.
    /// </summary>
    /// <param name="step">
    /// The 0-based index of the update being computed (the number of updates applied before it),
    /// used by learning-rate schedules. When null, transforms use the count they keep in their state.
    /// </param>
    public abstract (Tensor<T>[] Updates, OptimizerState<T> State) Update(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, long? step = null);

    public override string ToString() => Name;

    /// <summary>The state cast to the type this transform keeps, with a clear error otherwise.</summary>
    protected TState Expect<TState>(OptimizerState<T> state) where TState : OptimizerState<T> =>
        state as TState ?? throw new ArgumentException($"{Name}: expected a {typeof(TState).Name}, got {state.GetType().Name}", nameof(state));

    /// <summary>Checks that gradients and parameters agree in count and shapes.</summary>
    protected void CheckGrads(IReadOnlyList<Tensor<T>> grads, ParamSet<T> parameters)
    {
        if (grads.Count != parameters.Count)
        {
            throw new ArgumentException($"{Name}: {grads.Count} gradients for {parameters.Count} parameters", nameof(grads));
        }
        for (int i = 0; i < grads.Count; i++)
        {
            if (!Shapes.Equal(grads[i].Shape, parameters[i].Shape))
            {
                throw new TensorShapeException($"{Name}: gradient of {parameters.Names[i]} has shape {Shapes.Format(grads[i].Shape)}, parameter has {Shapes.Format(parameters[i].Shape)}");
            }
        }
    }
}

/// <summary>
/// A transform whose output PyTorch multiplies by the (negative) learning rate <em>inside</em> its
/// formula — Adam's <c>step_size = lr / (1 - β1^t)</c>, RMSprop's <c>addcdiv(g, avg, value=-lr)</c>.
/// <see cref="Chain{T}"/> fuses such a transform with a following <see cref="ScaleByLearningRate{T}"/>
/// so the floating-point operations happen in PyTorch's order (float64 trajectories then agree to
/// rounding) and one pass over the parameters is saved. Fused or not, the result is the same in
/// exact arithmetic: <c>UpdateScaled(..., s) = s · Update(...)</c>.
/// </summary>
public interface IScaleFusable<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    (Tensor<T>[] Updates, OptimizerState<T> State) UpdateScaled(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, double scale);
}
