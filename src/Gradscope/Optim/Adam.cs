using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Optim;

/// <summary>Adam's moments: m (<c>exp_avg</c>), v (<c>exp_avg_sq</c>) and the number of updates t (<c>step</c>).</summary>
public sealed record AdamState<T>(long Count, IReadOnlyList<Tensor<T>> ExpAvg, IReadOnlyList<Tensor<T>> ExpAvgSq) : OptimizerState<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public override IReadOnlyList<StateSlot<T>> Slots => [new("exp_avg", ExpAvg), new("exp_avg_sq", ExpAvgSq)];

    public override IReadOnlyList<(string Name, long Value)> Counters => [("step", Count)];

    public override OptimizerState<T> Restore(IReadOnlyList<Tensor<T>[]> slots, IReadOnlyList<long> counters, IReadOnlyList<OptimizerState<T>> children) =>
        new AdamState<T>(counters[0], slots[0], slots[1]);
}

/// <summary>
/// Adam (Kingma &amp; Ba 2015, Algorithm 1) exactly as PyTorch 1.13's single-tensor implementation,
/// operation by operation, so float64 trajectories agree to rounding:
/// <code>
/// t ← t + 1
/// m ← β1·m + (1−β1)·g              (mul, then fma(g, 1−β1, ·))
/// v ← β2·v + ((1−β2)·g)·g          (mul, then fma((1−β2)·g, g, ·))
/// step_size = lr / (1 − β1^t)
/// denom = sqrt(v) / sqrt(1 − β2^t) + ε   (ε added after the bias correction: not Algorithm 1's ε̂)
/// u = (−step_size · m) / denom
/// </code>
/// Unfused, the direction is computed with lr = 1 and a following <see cref="ScaleByLearningRate{T}"/>
/// multiplies by −η; fused in a <see cref="Chain{T}"/> the −η sits inside step_size as above.
/// </summary>
public sealed class ScaleByAdam<T> : GradientTransformation<T>, IScaleFusable<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Eps { get; }

    public ScaleByAdam(double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), $"betas must lie in [0, 1), got ({beta1}, {beta2})");
        }
        if (!(eps >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be >= 0");
        }
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    public override string Name => "scale_by_adam";

    public override OptimizerState<T> Init(ParamSet<T> parameters) =>
        new AdamState<T>(0, Optimizer.ZerosLike(parameters), Optimizer.ZerosLike(parameters));

    public override (Tensor<T>[] Updates, OptimizerState<T> State) Update(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, long? step = null) =>
        UpdateScaled(grads, state, parameters, 1.0);

    public (Tensor<T>[] Updates, OptimizerState<T> State) UpdateScaled(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, double scale)
    {
        CheckGrads(grads, parameters);
        var s = Expect<AdamState<T>>(state);
        long t = s.Count + 1;
        // Scalars in double, as Python computes them, then rounded to T (PyTorch's scalar_t).
        double bc1 = 1 - Math.Pow(Beta1, t);
        double bc2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, t));
        double stepSize = -scale / bc1;  // PyTorch: value = -step_size, step_size = lr / bc1, scale = -lr
        T b1 = T.CreateTruncating(Beta1), a1 = T.CreateTruncating(1 - Beta1);
        T b2 = T.CreateTruncating(Beta2), a2 = T.CreateTruncating(1 - Beta2);
        T bc2 = T.CreateTruncating(bc2Sqrt), eps = T.CreateTruncating(Eps), value = T.CreateTruncating(-stepSize);
        var ms = new Tensor<T>[grads.Count];
        var vs = new Tensor<T>[grads.Count];
        var us = new Tensor<T>[grads.Count];
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < grads.Count; i++)
            {
                var g = grads[i].Span;
                var m0 = s.ExpAvg[i].Span;
                var v0 = s.ExpAvgSq[i].Span;
                ms[i] = Optimizer.NewLike(grads[i], out var m);
                vs[i] = Optimizer.NewLike(grads[i], out var v);
                us[i] = Optimizer.NewLike(grads[i], out var u);
                for (int k = 0; k < u.Length; k++)
                {
                    T gk = g[k];
                    m[k] = T.FusedMultiplyAdd(gk, a1, m0[k] * b1);
                    v[k] = T.FusedMultiplyAdd(a2 * gk, gk, v0[k] * b2);
                    T denom = (T.Sqrt(v[k]) / bc2) + eps;
                    u[k] = value * m[k] / denom;
                }
            }
        }
        return (us, new AdamState<T>(t, ms, vs));
    }
}
