using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Data;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Optim;
using Gradscope.Tensors;

namespace Gradscope.Probes;

/// <summary>
/// What a probe sees at one record point: the parameters θ_k at step k (time t_k), the initial
/// and previous parameters, the model, data and loss. Full-batch loss and gradient are computed
/// at most once per record point and shared by every probe (and reused from the training step
/// when it was full-batch).
/// </summary>
public sealed class ProbeContext<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private (double Loss, Tensor<T>[] Grad)? _full;
    private Tensor<T>? _trainOutput;

    public required long Step { get; init; }

    public required double Time { get; init; }

    public required ParamSet<T> Params { get; init; }

    public required ParamSet<T> Initial { get; init; }

    /// <summary>θ_{k−1} (null at the first record of a run).</summary>
    public ParamSet<T>? Previous { get; init; }

    public required Model Model { get; init; }

    public required Dataset<T> Data { get; init; }

    public required LossKind Loss { get; init; }

    /// <summary>Full-batch gradient at θ_k if the training step already computed it.</summary>
    public (double Loss, Tensor<T>[] Grad)? Known { init => _full = value; }

    /// <summary>Learning rate of the step about to be taken (for thresholds such as 2/η); NaN for flow.</summary>
    public double LearningRate { get; init; } = double.NaN;

    /// <summary>The optimiser (its transforms carry hyperparameters such as Adam's β₁, ε); null under gradient flow.</summary>
    public GradientTransformation<T>? Optimizer { get; init; }

    /// <summary>The optimiser's state after the updates taken so far (Adam's v, the step count); null under gradient flow.</summary>
    public OptimizerState<T>? OptimizerState { get; init; }

    /// <summary>Full-batch training loss and gradient at θ_k.</summary>
    public (double Loss, Tensor<T>[] Grad) FullBatch
    {
        get
        {
            if (_full is null)
            {
                var (v, g) = Grad.ValueAndGrad(p => Losses.Loss.Compute(Loss, Model.Forward(p, Data.Train.X), Data.Train.Y), Params.Tensors);
                _full = (double.CreateTruncating(v.Item()), g);
            }
            return _full.Value;
        }
    }

    /// <summary>f(θ_k, X_train).</summary>
    public Tensor<T> TrainOutput
    {
        get
        {
            if (_trainOutput is null)
            {
                using var _ = GradMode.NoGrad();
                _trainOutput = Model.Forward(Params, Data.Train.X);
            }
            return _trainOutput;
        }
    }

    /// <summary>(loss, accuracy) on a split, without gradients.</summary>
    public (double Loss, double Accuracy) Evaluate(DataSplit<T> split)
    {
        using var _ = GradMode.NoGrad();
        var f = ReferenceEquals(split, Data.Train) ? TrainOutput : Model.Forward(Params, split.X);
        return (double.CreateTruncating(Losses.Loss.Compute(Loss, f, split.Y).Item()), Losses.Loss.Accuracy(f, split.Y));
    }
}
