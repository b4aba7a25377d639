using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Optim;

/// <summary>A transform without state (clipping, coupled weight decay).</summary>
public sealed record EmptyState<T> : OptimizerState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public override OptimizerState<T> Restore(IReadOnlyList<Tensor<T>[]> slots, IReadOnlyList<long> counters, IReadOnlyList<OptimizerState<T>> children) => this;
}

/// <summary>
/// Coupled weight decay (L2 regularisation folded into the gradient, PyTorch's SGD/Adam/RMSprop/Adagrad
/// <c>weight_decay</c>): g ← g + λθ, evaluated as PyTorch's <c>g.add(θ, alpha=λ)</c> = fma(θ, λ, g).
/// Place it before the optimiser's core transform.
/// </summary>
public sealed class AddDecayedWeights<T> : GradientTransformation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public double WeightDecay { get; }

    public AddDecayedWeights(double weightDecay)
    {
        if (!(weightDecay >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be >= 0");
        }
        WeightDecay = weightDecay;
    }

    public override string Name => "add_decayed_weights";

    public override OptimizerState<T> Init(ParamSet<T> parameters) => new EmptyState<T>();

    public override (Tensor<T>[] Updates, OptimizerState<T> State) Update(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, long? step = null)
    {
        CheckGrads(grads, parameters);
        Expect<EmptyState<T>>(state);
        T wd = T.CreateTruncating(WeightDecay);
        var u = new Tensor<T>[grads.Count];
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < u.Length; i++)
            {
                var g = grads[i].Span;
                var p = parameters[i].Span;
                u[i] = Optimizer.NewLike(grads[i], out var o);
                for (int k = 0; k < o.Length; k++)
                {
                    o[k] = T.FusedMultiplyAdd(p[k], wd, g[k]);
                }
            }
        }
        return (u, state);
    }
}

/// <summary>
/// Decoupled weight decay (Loshchilov &amp; Hutter 2019, AdamW; PyTorch's AdamW
/// <c>θ ← θ·(1 − η_t λ)</c> before the Adam step): adds −η_t λ θ to the incoming updates. Place it
/// after <see cref="ScaleByLearningRate{T}"/> with the same schedule; it counts its own steps.
/// </summary>
public sealed class DecoupledWeightDecay<T> : GradientTransformation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public double WeightDecay { get; }

    public Schedule Schedule { get; }

    public DecoupledWeightDecay(double weightDecay, Schedule schedule)
    {
        if (!(weightDecay >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be >= 0");
        }
        WeightDecay = weightDecay;
        Schedule = schedule;
    }

    public override string Name => "decoupled_weight_decay";

    public override OptimizerState<T> Init(ParamSet<T> parameters) => new CountState<T>(0);

    public override (Tensor<T>[] Updates, OptimizerState<T> State) Update(
        IReadOnlyList<Tensor<T>> updates, OptimizerState<T> state, ParamSet<T> parameters, long? step = null)
    {
        CheckGrads(updates, parameters);
        var s = Expect<CountState<T>>(state);
        // PyTorch multiplies θ by (1 − lr·wd) computed in double; the change of θ is θ·(1 − lr·wd) − θ.
        double factor = 1 - (Schedule.At(step ?? s.Count) * WeightDecay);
        T f = T.CreateTruncating(factor);
        var u = new Tensor<T>[updates.Count];
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < u.Length; i++)
            {
                var a = updates[i].Span;
                var p = parameters[i].Span;
                u[i] = Optimizer.NewLike(updates[i], out var o);
                for (int k = 0; k < o.Length; k++)
                {
                    o[k] = ((p[k] * f) - p[k]) + a[k];
                }
            }
        }
        return (u, new CountState<T>(s.Count + 1));
    }
}
