using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Gradscope.Autodiff;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Optim;

/// <summary>Applying updates, and small helpers shared by the transforms.</summary>
public static class Optimizer
{
    /// <summary>θ_new = θ + u, parameter by parameter (updates carry their sign). Allocates new tensors.</summary>
    public static ParamSet<T> ApplyUpdates<T>(ParamSet<T> parameters, IReadOnlyList<Tensor<T>> updates) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (updates.Count != parameters.Count)
        {
            throw new ArgumentException($"{updates.Count} updates for {parameters.Count} parameters", nameof(updates));
        }
        var r = new Tensor<T>[parameters.Count];
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < r.Length; i++)
            {
                var p = parameters[i].Span;
                var u = updates[i].Span;
                if (p.Length != u.Length)
                {
                    throw new TensorShapeException($"update of {parameters.Names[i]} has {u.Length} values, parameter has {p.Length}");
                }
                var o = new T[p.Length];
                TensorPrimitives.Add(p, u, o);  // vectorised, bitwise equal to p[k] + u[k]
                r[i] = Tensor.Wrap(o, (int[])parameters[i].Shape.Clone());
            }
        }
        return parameters.With(r);
    }

    /// <summary>One optimiser step: updates from the transform, then θ + u. Returns the new parameters and state.</summary>
    public static (ParamSet<T> Parameters, OptimizerState<T> State) Step<T>(GradientTransformation<T> transform,
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, long? step = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TryDescend(transform, grads, state, parameters, step) is { } fused)
        {
            return fused;
        }
        var (u, s) = transform.Update(grads, state, parameters, step);
        return (ApplyUpdates(parameters, u), s);
    }

    /// <summary>
    /// Plain gradient descent (a <see cref="ScaleByLearningRate{T}"/>, alone or as the only transform
    /// of a chain) in one pass per tensor: θ + (−η)·g straight into the new parameter, without the
    /// intermediate update tensors. The product and the sum are rounded separately, as in
    /// Update + ApplyUpdates, so the result is bitwise the same. Null when the transform is anything
    /// else or the gradients do not match the parameters (the general path reports that).
    /// </summary>
    private static (ParamSet<T> Parameters, OptimizerState<T> State)? TryDescend<T>(GradientTransformation<T> transform,
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, long? step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ScaleByLearningRate<T>? lr;
        ChainState<T>? chained = null;
        if (transform is Chain<T> { Transforms: [ScaleByLearningRate<T> only] } && state is ChainState<T> { Inner.Count: 1 } cs)
        {
            lr = only;
            chained = cs;
        }
        else
        {
            lr = transform as ScaleByLearningRate<T>;
        }
        if (lr is null || grads.Count != parameters.Count)
        {
            return null;
        }
        for (int i = 0; i < grads.Count; i++)
        {
            if (grads[i].Size != parameters[i].Size)
            {
                return null;
            }
        }
        var (scale, next) = lr.Advance(chained is null ? state : chained.Inner[0], step);
        T s = T.CreateTruncating(scale);
        var r = new Tensor<T>[parameters.Count];
        for (int i = 0; i < r.Length; i++)
        {
            var p = parameters[i];
            var o = GC.AllocateUninitializedArray<T>(p.Size);
            // (g · s) + θ, each operation rounded (not fused): bitwise θ + round(g · s).
            TensorPrimitives.MultiplyAdd(grads[i].Span, s, p.Span, o);
            r[i] = Tensor.Wrap(o, (int[])p.Shape.Clone());
        }
        return (parameters.With(r), chained is null ? next : new ChainState<T>(new OptimizerState<T>[] { next }));
    }

    /// <summary>A new zero tensor shaped like <paramref name="like"/>, and its writable storage.</summary>
    internal static Tensor<T> NewLike<T>(Tensor<T> like, out Span<T> data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new T[like.Size];
        data = a;
        return Tensor.Wrap(a, (int[])like.Shape.Clone());
    }

    internal static Tensor<T>[] ZerosLike<T>(ParamSet<T> parameters) where T : unmanaged, IFloatingPointIeee754<T> =>
        parameters.Tensors.Select(t => Tensor.Zeros<T>(t.Shape)).ToArray();
}
