using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Gradscope.Autodiff;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Optim;

/// <summary>
/// Clipping by global norm as PyTorch's <c>clip_grad_norm_</c>: with N = ‖(g_1, …, g_P)‖₂ over all
/// parameters, g ← g · min(1, c / (N + 1e-6)). (Pascanu, Mikolov &amp; Bengio 2013.)
/// </summary>
public sealed class ClipByGlobalNorm<T> : GradientTransformation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public double MaxNorm { get; }

    public ClipByGlobalNorm(double maxNorm)
    {
        if (!(maxNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "the clipping norm must be > 0");
        }
        MaxNorm = maxNorm;
    }

    public override string Name => "clip_by_global_norm";

    public override OptimizerState<T> Init(ParamSet<T> parameters) => new EmptyState<T>();

    /// <summary>‖(g_1, …, g_P)‖₂ accumulated in double.</summary>
    public static double GlobalNorm(IReadOnlyList<Tensor<T>> grads)
    {
        double ss = 0;
        foreach (var g in grads)
        {
            foreach (var x in g.Span)
            {
                double d = double.CreateTruncating(x);
                ss += d * d;
            }
        }
        return Math.Sqrt(ss);
    }

    public override (Tensor<T>[] Updates, OptimizerState<T> State) Update(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, long? step = null)
    {
        CheckGrads(grads, parameters);
        Expect<EmptyState<T>>(state);
        double coef = Math.Min(1.0, MaxNorm / (GlobalNorm(grads) + 1e-6));
        if (coef == 1.0)
        {
            return (grads.ToArray(), state);
        }
        T c = T.CreateTruncating(coef);
        var u = new Tensor<T>[grads.Count];
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < u.Length; i++)
            {
                u[i] = Optimizer.NewLike(grads[i], out var o);
                TensorPrimitives.Multiply(grads[i].Span, c, o);
            }
        }
        return (u, state);
    }
}

/// <summary>Clipping by value (PyTorch's <c>clip_grad_value_</c>): each component clamped to [−c, c].</summary>
public sealed class ClipByValue<T> : GradientTransformation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public double MaxValue { get; }

    public ClipByValue(double maxValue)
    {
        if (!(maxValue > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "the clipping value must be > 0");
        }
        MaxValue = maxValue;
    }

    public override string Name => "clip_by_value";

    public override OptimizerState<T> Init(ParamSet<T> parameters) => new EmptyState<T>();

    public override (Tensor<T>[] Updates, OptimizerState<T> State) Update(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, long? step = null)
    {
        CheckGrads(grads, parameters);
        Expect<EmptyState<T>>(state);
        T hi = T.CreateTruncating(MaxValue), lo = -hi;
        var u = new Tensor<T>[grads.Count];
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < u.Length; i++)
            {
                var g = grads[i].Span;
                u[i] = Optimizer.NewLike(grads[i], out var o);
                for (int k = 0; k < o.Length; k++)
                {
                    // NaN passes through (a diverged gradient must stay visible to divergence detection).
                    T x = g[k];
                    o[k] = x > hi ? hi : x < lo ? lo : x;
                }
            }
        }
        return (u, state);
    }
}
