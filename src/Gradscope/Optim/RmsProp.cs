using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Optim;

/// <summary>RMSprop's running mean of squares (<c>square_avg</c>) and, with momentum, its buffer (<c>momentum_buffer</c>).</summary>
public sealed record RmsPropState<T>(IReadOnlyList<Tensor<T>> SquareAvg, IReadOnlyList<Tensor<T>>? MomentumBuffer) : OptimizerState<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public override IReadOnlyList<StateSlot<T>> Slots =>
        MomentumBuffer is null ? [new("square_avg", SquareAvg)] : [new("square_avg", SquareAvg), new("momentum_buffer", MomentumBuffer)];

    public override OptimizerState<T> Restore(IReadOnlyList<Tensor<T>[]> slots, IReadOnlyList<long> counters, IReadOnlyList<OptimizerState<T>> children) =>
        new RmsPropState<T>(slots[0], slots.Count > 1 ? slots[1] : null);
}

/// <summary>
/// RMSprop (Tieleman &amp; Hinton 2012, lecture 6.5) as PyTorch 1.13 (not centered):
/// <code>
/// v ← α v + ((1−α)·g)·g            (mul, then fma)
/// avg = sqrt(v) + ε                 (ε outside the root)
/// without momentum: u = (−η·g) / avg
/// with momentum μ:  b ← μ b + g / avg;  u = −η·b
/// </code>
/// Defaults α = 0.99, ε = 1e-8 (PyTorch's). The −η is fused as in PyTorch when chained with
/// <see cref="ScaleByLearningRate{T}"/>.
/// </summary>
public sealed class ScaleByRms<T> : GradientTransformation<T>, IScaleFusable<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public double Alpha { get; }

    public double Eps { get; }

    public double Momentum { get; }

    public ScaleByRms(double alpha = 0.99, double eps = 1e-8, double momentum = 0)
    {
        if (!(alpha >= 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must lie in [0, 1]");
        }
        if (!(eps >= 0) || !(momentum >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), $"eps and momentum must be >= 0, got {eps} and {momentum}");
        }
        Alpha = alpha;
        Eps = eps;
        Momentum = momentum;
    }

    public override string Name => "scale_by_rms";

    public override OptimizerState<T> Init(ParamSet<T> parameters) =>
        new RmsPropState<T>(Optimizer.ZerosLike(parameters), Momentum > 0 ? Optimizer.ZerosLike(parameters) : null);

    public override (Tensor<T>[] Updates, OptimizerState<T> State) Update(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, long? step = null) =>
        UpdateScaled(grads, state, parameters, 1.0);

    public (Tensor<T>[] Updates, OptimizerState<T> State) UpdateScaled(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, double scale)
    {
        CheckGrads(grads, parameters);
        var s = Expect<RmsPropState<T>>(state);
        if ((s.MomentumBuffer is null) != (Momentum == 0))
        {
            throw new ArgumentException($"{Name}: state {(s.MomentumBuffer is null ? "lacks" : "has")} a momentum buffer but momentum is {Momentum}", nameof(state));
        }
        T alpha = T.CreateTruncating(Alpha), a1 = T.CreateTruncating(1 - Alpha), eps = T.CreateTruncating(Eps);
        T mu = T.CreateTruncating(Momentum), sc = T.CreateTruncating(scale);
        var sq = new Tensor<T>[grads.Count];
        var bufs = s.MomentumBuffer is null ? null : new Tensor<T>[grads.Count];
        var us = new Tensor<T>[grads.Count];
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < grads.Count; i++)
            {
                var g = grads[i].Span;
                var v0 = s.SquareAvg[i].Span;
                sq[i] = Optimizer.NewLike(grads[i], out var v);
                us[i] = Optimizer.NewLike(grads[i], out var u);
                if (bufs is null)
                {
                    for (int k = 0; k < u.Length; k++)
                    {
                        T gk = g[k];
                        v[k] = T.FusedMultiplyAdd(a1 * gk, gk, v0[k] * alpha);
                        u[k] = sc * gk / (T.Sqrt(v[k]) + eps);
                    }
                }
                else
                {
                    var b0 = s.MomentumBuffer![i].Span;
                    bufs[i] = Optimizer.NewLike(grads[i], out var b);
                    for (int k = 0; k < u.Length; k++)
                    {
                        T gk = g[k];
                        v[k] = T.FusedMultiplyAdd(a1 * gk, gk, v0[k] * alpha);
                        // buf.mul_(μ).addcdiv_(g, avg): μb + (1·g)/avg
                        b[k] = (b0[k] * mu) + (gk / (T.Sqrt(v[k]) + eps));
                        u[k] = sc * b[k];
                    }
                }
            }
        }
        return (us, new RmsPropState<T>(sq, bufs));
    }
}
