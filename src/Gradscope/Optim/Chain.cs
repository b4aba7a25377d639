using System.Numerics;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Optim;

/// <summary>The states of a chain's transforms, in order.</summary>
public sealed record ChainState<T>(IReadOnlyList<OptimizerState<T>> Inner) : OptimizerState<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public override IReadOnlyList<OptimizerState<T>> Children => Inner;

    public override OptimizerState<T> Restore(IReadOnlyList<Tensor<T>[]> slots, IReadOnlyList<long> counters, IReadOnlyList<OptimizerState<T>> children) =>
        new ChainState<T>(children.ToArray());
}

/// <summary>
/// Transforms applied one after another (optax <c>chain</c>): the updates of one are the gradients of
/// the next. A transform implementing <see cref="IScaleFusable{T}"/> directly followed by a
/// <see cref="ScaleByLearningRate{T}"/> is evaluated fused, with the learning rate placed where
/// PyTorch places it (the result differs from the unfused chain only by rounding).
/// </summary>
public sealed class Chain<T> : GradientTransformation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public IReadOnlyList<GradientTransformation<T>> Transforms { get; }

    public Chain(params GradientTransformation<T>[] transforms)
    {
        if (transforms.Length == 0)
        {
            throw new ArgumentException("a chain needs at least one transform", nameof(transforms));
        }
        Transforms = transforms;
    }

    public override string Name => "chain(" + string.Join(", ", Transforms.Select(t => t.Name)) + ")";

    public override OptimizerState<T> Init(ParamSet<T> parameters) =>
        new ChainState<T>(Transforms.Select(t => t.Init(parameters)).ToArray());

    public override (Tensor<T>[] Updates, OptimizerState<T> State) Update(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, long? step = null)
    {
        var cs = Expect<ChainState<T>>(state);
        if (cs.Inner.Count != Transforms.Count)
        {
            throw new ArgumentException($"{Name}: state has {cs.Inner.Count} entries for {Transforms.Count} transforms", nameof(state));
        }
        var next = new OptimizerState<T>[Transforms.Count];
        IReadOnlyList<Tensor<T>> u = grads;
        for (int i = 0; i < Transforms.Count; i++)
        {
            if (Transforms[i] is IScaleFusable<T> fusable && i + 1 < Transforms.Count && Transforms[i + 1] is ScaleByLearningRate<T> lr)
            {
                var (scale, lrState) = lr.Advance(cs.Inner[i + 1], step);
                (u, next[i]) = fusable.UpdateScaled(u, cs.Inner[i], parameters, scale);
                next[i + 1] = lrState;
                i++;
                continue;
            }
            (u, next[i]) = Transforms[i].Update(u, cs.Inner[i], parameters, step);
        }
        return (u as Tensor<T>[] ?? u.ToArray(), new ChainState<T>(next));
    }
}
