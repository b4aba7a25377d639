using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Gradscope.Autodiff;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Optim;

/// <summary>A transform that only counts its updates (counter <c>step</c>).</summary>
public sealed record CountState<T>(long Count) : OptimizerState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public override IReadOnlyList<(string Name, long Value)> Counters => [("step", Count)];

    public override OptimizerState<T> Restore(IReadOnlyList<Tensor<T>[]> slots, IReadOnlyList<long> counters, IReadOnlyList<OptimizerState<T>> children) =>
        new CountState<T>(counters[0]);
}

/// <summary>
/// u = −η_t · g with η_t from a schedule (the descent sign lives here, as in optax's
/// <c>scale_by_learning_rate</c>). The schedule is evaluated at the caller's step, or at the count
/// of updates this transform has made when none is given.
/// </summary>
public sealed class ScaleByLearningRate<T> : GradientTransformation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Schedule Schedule { get; }

    public ScaleByLearningRate(Schedule schedule) => Schedule = schedule;

    public ScaleByLearningRate(double lr) : this(new ConstantSchedule(lr))
    {
    }

    public override string Name => "scale_by_learning_rate";

    public override OptimizerState<T> Init(ParamSet<T> parameters) => new CountState<T>(0);

    /// <summary>The multiplier −η for this update and the advanced state.</summary>
    public (double Scale, OptimizerState<T> State) Advance(OptimizerState<T> state, long? step)
    {
        var s = Expect<CountState<T>>(state);
        return (-Schedule.At(step ?? s.Count), new CountState<T>(s.Count + 1));
    }

    public override (Tensor<T>[] Updates, OptimizerState<T> State) Update(
        IReadOnlyList<Tensor<T>> grads, OptimizerState<T> state, ParamSet<T> parameters, long? step = null)
    {
        var (scale, next) = Advance(state, step);
        T s = T.CreateTruncating(scale);
        var u = new Tensor<T>[grads.Count];
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < u.Length; i++)
            {
                u[i] = Optimizer.NewLike(grads[i], out var o);
                // Vectorised; a product is exactly rounded, so this equals the scalar loop bitwise.
                TensorPrimitives.Multiply(grads[i].Span, s, o);
            }
        }
        return (u, next);
    }
}
