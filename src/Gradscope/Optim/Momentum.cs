using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Optim;

/// <summary>The momentum buffers v (PyTorch's <c>momentum_buffer</c>).</summary>
public sealed record TraceState<T>(IReadOnlyList<Tensor<T>> MomentumBuffer) : OptimizerState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public override IReadOnlyList<StateSlot<T>> Slots => [new("momentum_buffer", MomentumBuffer)];

    public override OptimizerState<T> Restore(IReadOnlyList<Tensor<T>[]> slots, IReadOnlyList<long> counters, IReadOnlyList<OptimizerState<T>> children) =>
        new TraceState<T>(slots[0]);
}

/// <summary>
/// Heavy-ball momentum (Polyak 1964) in PyTorch's SGD convention: v ← μ v + g, direction v; with
/// Nesterov (Sutskever et al. 2013, as PyTorch): direction g + μ v after updating v. Followed by
/// <see cref="ScaleByLearningRate{T}"/> this is θ ← θ − η·direction. The buffer starts at zero,
/// which equals PyTorch's first-step <c>buf = g</c> (no dampening).
/// </summary>
public sealed class Trace<T> : GradientTransformation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public double Momentum { get; }

    public bool Nesterov { get; }

    public Trace(double momentum, bool nesterov = false)
    {
        if (!(momentum >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be >= 0");
        }
        Momentum = momentum;
        Nesterov = nesterov;
    }

    public override string Name => Nesterov ? "trace_nesterov" : "trace";

    public override OptimizerState<T> Init(ParamSet<T> parameters) => new TraceState<T>(Optimizer.ZerosLike(parameters));

    public override (Tensor<T>[] Updates, OptimizerState<T> State) Update(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, long? step = null)
    {
        CheckGrads(grads, parameters);
        var s = Expect<TraceState<T>>(state);
        T mu = T.CreateTruncating(Momentum);
        var bufs = new Tensor<T>[grads.Count];
        var u = new Tensor<T>[grads.Count];
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < grads.Count; i++)
            {
                var g = grads[i].Span;
                var v = s.MomentumBuffer[i].Span;
                bufs[i] = Optimizer.NewLike(grads[i], out var nv);
                // buf.mul_(μ).add_(g): the second op is a fused multiply-add with alpha 1 in PyTorch, exact here too.
                for (int k = 0; k < nv.Length; k++)
                {
                    nv[k] = (mu * v[k]) + g[k];
                }
                if (Nesterov)
                {
                    // g.add(buf, alpha=μ) — PyTorch evaluates add-with-alpha as fma(buf, μ, g).
                    u[i] = Optimizer.NewLike(grads[i], out var d);
                    for (int k = 0; k < d.Length; k++)
                    {
                        d[k] = T.FusedMultiplyAdd(nv[k], mu, g[k]);
                    }
                }
                else
                {
                    u[i] = bufs[i];
                }
            }
        }
        return (u, new TraceState<T>(bufs));
    }
}
