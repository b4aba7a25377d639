using System.Numerics;
using Gradscope.Optim;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Gradscope.Ensembles;

/// <summary>The stateful core of a replica's optimiser.</summary>
internal enum ReplicaCore
{
    /// <summary>gd / sgd: θ ← θ − η g.</summary>
    Descent,

    /// <summary>momentum / nesterov: PyTorch's buffer v ← μ v + g.</summary>
    Trace,

    /// <summary>adam / adamw (PyTorch 1.13 single-tensor).</summary>
    Adam,
}

/// <summary>
/// One replica's optimiser, read off the very transform chain <see cref="Optimizers.Create{T}"/> built
/// for the solo run (so defaults and validation are the solo run's), and applied to the replica's
/// flat parameter vector with the operations of <see cref="Trace{T}"/>, <see cref="ScaleByAdam{T}"/>,
/// <see cref="AddDecayedWeights{T}"/>, <see cref="DecoupledWeightDecay{T}"/>,
/// <see cref="ScaleByLearningRate{T}"/> and <see cref="Optimizer.ApplyUpdates{T}"/> in the same
/// order and rounding: every update is bitwise the solo one. The scalars that differ between
/// replicas (η_k, μ, λ) are this record's fields — the [R, 1, 1] broadcast of the batch.
/// </summary>
internal sealed record ReplicaOptimizer(
    ReplicaCore Core, Schedule Schedule, double CoupledDecay, double Momentum, bool Nesterov,
    double Beta1, double Beta2, double Eps, double DecoupledDecay)
{
    /// <summary>Slots of optimiser state per parameter (momentum buffer; Adam's m and v).</summary>
    public int Slots => Core switch
    {
        ReplicaCore.Trace => 1,
        ReplicaCore.Adam => 2,
        _ => 0,
    };

    /// <summary>Reads a chain made by <see cref="Optimizers.Create{T}"/>; throws for transforms the batch does not implement.</summary>
    public static ReplicaOptimizer Of<T>(GradientTransformation<T> transform) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var parts = transform is Chain<T> c ? c.Transforms : [transform];
        var core = ReplicaCore.Descent;
        Schedule? schedule = null;
        double coupled = 0, decoupled = 0, momentum = 0, b1 = 0, b2 = 0, eps = 0;
        bool nesterov = false;
        foreach (var t in parts)
        {
            switch (t)
            {
                case AddDecayedWeights<T> d when schedule is null && core == ReplicaCore.Descent:
                    coupled = d.WeightDecay;
                    break;
                case Trace<T> tr when schedule is null:
                    core = ReplicaCore.Trace;
                    momentum = tr.Momentum;
                    nesterov = tr.Nesterov;
                    break;
                case ScaleByAdam<T> a when schedule is null:
                    core = ReplicaCore.Adam;
                    (b1, b2, eps) = (a.Beta1, a.Beta2, a.Eps);
                    break;
                case ScaleByLearningRate<T> lr when schedule is null:
                    schedule = lr.Schedule;
                    break;
                case DecoupledWeightDecay<T> d when schedule is not null && core == ReplicaCore.Adam && ReferenceEquals(d.Schedule, schedule):
                    decoupled = d.WeightDecay;
                    break;
                default:
                    throw new NotSupportedException($"replica batches do not implement the optimiser {transform.Name}");
            }
        }
        return new ReplicaOptimizer(core, schedule ?? throw new NotSupportedException($"optimiser {transform.Name} has no learning rate"),
            coupled, momentum, nesterov, b1, b2, eps, decoupled);
    }

    /// <summary>
    /// Update number <paramref name="step"/> (0-based) of one replica, in place: <paramref name="theta"/>
    /// becomes θ_{k+1}; <paramref name="grad"/> is used as scratch; <paramref name="s1"/>, <paramref name="s2"/> are its state slots.
    /// </summary>
    public void Apply<T>(Span<T> theta, Span<T> grad, Span<T> s1, Span<T> s2, long step) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double lr = Schedule.At(step);
        if (CoupledDecay > 0)
        {
            // AddDecayedWeights: g.add(θ, alpha=λ) = fma(θ, λ, g).
            TensorPrimitives.FusedMultiplyAdd(theta, T.CreateTruncating(CoupledDecay), grad, grad);
        }
        T s = T.CreateTruncating(-lr);
        switch (Core)
        {
            case ReplicaCore.Descent:
                // ScaleByLearningRate then ApplyUpdates: θ + round(g·(−η)), not fused.
                TensorPrimitives.MultiplyAdd(grad, s, theta, theta);
                break;
            case ReplicaCore.Trace:
            {
                T mu = T.CreateTruncating(Momentum);
                // v ← (μ v) + g, rounded twice as Trace does.
                TensorPrimitives.MultiplyAdd(s1, mu, grad, s1);
                if (Nesterov)
                {
                    // direction fma(v, μ, g), as Trace (PyTorch's g.add(buf, alpha=μ)).
                    TensorPrimitives.FusedMultiplyAdd(s1, mu, grad, grad);
                    TensorPrimitives.MultiplyAdd(grad, s, theta, theta);
                }
                else
                {
                    TensorPrimitives.MultiplyAdd(s1, s, theta, theta);
                }
                break;
            }
            case ReplicaCore.Adam:
                AdamStep(theta, grad, s1, s2, step, lr);
                break;
            default:
                throw new InvalidOperationException(Core.ToString());
        }
    }

    /// <summary>ScaleByAdam fused with the learning rate (as Chain evaluates it), then AdamW's decoupled decay, then θ + u.</summary>
    private void AdamStep<T>(Span<T> theta, ReadOnlySpan<T> grad, Span<T> m, Span<T> v, long step, double lr) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long t = step + 1;
        double scale = -lr;
        double bc1 = 1 - Math.Pow(Beta1, t);
        double bc2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, t));
        double stepSize = -scale / bc1;
        T b1 = T.CreateTruncating(Beta1), a1 = T.CreateTruncating(1 - Beta1);
        T b2 = T.CreateTruncating(Beta2), a2 = T.CreateTruncating(1 - Beta2);
        T bc2 = T.CreateTruncating(bc2Sqrt), eps = T.CreateTruncating(Eps), value = T.CreateTruncating(-stepSize);
        bool decay = DecoupledDecay > 0;
        T f = T.CreateTruncating(1 - (lr * DecoupledDecay));
        for (int k = 0; k < theta.Length; k++)
        {
            T gk = grad[k];
            T mk = T.FusedMultiplyAdd(gk, a1, m[k] * b1);
            T vk = T.FusedMultiplyAdd(a2 * gk, gk, v[k] * b2);
            m[k] = mk;
            v[k] = vk;
            T denom = (T.Sqrt(vk) / bc2) + eps;
            T u = value * mk / denom;
            T p = theta[k];
            if (decay)
            {
                u = ((p * f) - p) + u;
            }
            theta[k] = p + u;
        }
    }
}
