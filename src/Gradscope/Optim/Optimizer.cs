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
        var (u, s) = transform.Update(grads, state, parameters, step);
        return (ApplyUpdates(parameters, u), s);
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
