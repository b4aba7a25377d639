using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Optim;

/// <summary>Adagrad's running sum of squared gradients (<c>sum</c>) and the number of updates (<c>step</c>).</summary>
public sealed record AdagradState<T>(long Count, IReadOnlyList<Tensor<T>> Sum) : OptimizerState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public override IReadOnlyList<StateSlot<T>> Slots => [new("sum", Sum)];

    public override IReadOnlyList<(string Name, long Value)> Counters => [("step", Count)];

    public override OptimizerState<T> Restore(IReadOnlyList<Tensor<T>[]> slots, IReadOnlyList<long> counters, IReadOnlyList<OptimizerState<T>> children) =>
        new AdagradState<T>(counters[0], slots[0]);
}

/// <summary>
/// Adagrad (Duchi, Hazan &amp; Singer 2011) as PyTorch 1.13:
/// <code>
/// t ← t + 1;  clr = η / (1 + (t − 1)·lr_decay)
/// s ← s + g·g                      (fma(g, g, s))
/// u = (−clr·g) / (sqrt(s) + ε)     (ε = 1e-10 by default, outside the root)
/// </code>
/// The sum starts at <see cref="InitialAccumulator"/> (PyTorch's initial_accumulator_value, default 0).
/// </summary>
public sealed class ScaleByAdagrad<T> : GradientTransformation<T>, IScaleFusable<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public double Eps { get; }

    public double LrDecay { get; }

    public double InitialAccumulator { get; }

    public ScaleByAdagrad(double eps = 1e-10, double lrDecay = 0, double initialAccumulator = 0)
    {
        if (!(eps >= 0) || !(lrDecay >= 0) || !(initialAccumulator >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), $"eps, lr_decay and the initial accumulator must be >= 0, got {eps}, {lrDecay}, {initialAccumulator}");
        }
        Eps = eps;
        LrDecay = lrDecay;
        InitialAccumulator = initialAccumulator;
    }

    public override string Name => "scale_by_adagrad";

    public override OptimizerState<T> Init(ParamSet<T> parameters) =>
        new AdagradState<T>(0, parameters.Tensors.Select(t => Tensor.Full(T.CreateTruncating(InitialAccumulator), t.Shape)).ToArray());

    public override (Tensor<T>[] Updates, OptimizerState<T> State) Update(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, long? step = null) =>
        UpdateScaled(grads, state, parameters, 1.0);

    public (Tensor<T>[] Updates, OptimizerState<T> State) UpdateScaled(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, double scale)
    {
        CheckGrads(grads, parameters);
        var s = Expect<AdagradState<T>>(state);
        long t = s.Count + 1;
        T value = T.CreateTruncating(scale / (1 + ((t - 1) * LrDecay)));
        T eps = T.CreateTruncating(Eps);
        var sums = new Tensor<T>[grads.Count];
        var us = new Tensor<T>[grads.Count];
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < grads.Count; i++)
            {
                var g = grads[i].Span;
                var s0 = s.Sum[i].Span;
                sums[i] = Optimizer.NewLike(grads[i], out var sum);
                us[i] = Optimizer.NewLike(grads[i], out var u);
                for (int k = 0; k < u.Length; k++)
                {
                    T gk = g[k];
                    sum[k] = T.FusedMultiplyAdd(gk, gk, s0[k]);
                    u[k] = value * gk / (T.Sqrt(sum[k]) + eps);
                }
            }
        }
        return (us, new AdagradState<T>(t, sums));
    }
}
