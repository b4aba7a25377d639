using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Optim.Flow;

/// <summary>
/// The gradient-flow vector field dθ/dt = −∇L(θ) on the flattened parameters: unflatten, one
/// reverse-mode pass through the Tensor engine, flatten the negated gradient.
/// </summary>
public sealed class GradientFlowField<T> : IVectorField<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ParamSet<T> _template;
    private readonly Func<IReadOnlyList<Tensor<T>>, Tensor<T>> _loss;

    /// <param name="template">Names and shapes of the parameters (values unused).</param>
    /// <param name="loss">L(θ) as a scalar tensor function of the parameter tensors.</param>
    public GradientFlowField(ParamSet<T> template, Func<IReadOnlyList<Tensor<T>>, Tensor<T>> loss)
    {
        _template = template;
        _loss = loss;
    }

    /// <summary>The loss at the point of the latest evaluation.</summary>
    public double LastLoss { get; private set; } = double.NaN;

    public long Evaluations { get; private set; }

    public void Evaluate(double t, ReadOnlySpan<T> y, Span<T> dydt)
    {
        var p = _template.Unflatten(y);
        var (value, grads) = Grad.ValueAndGrad(_loss, p.Tensors);
        LastLoss = double.CreateTruncating(value.Item());
        Evaluations++;
        int off = 0;
        foreach (var g in grads)
        {
            var s = g.Span;
            for (int i = 0; i < s.Length; i++)
            {
                dydt[off + i] = -s[i];
            }
            off += s.Length;
        }
    }
}
