using System.Numerics;
using Gradscope.Data;
using Gradscope.Lab.Spec;
using Gradscope.Nn;
using Gradscope.Optim;
using Gradscope.Probes;
using Gradscope.Training;

namespace Gradscope.Lab;

/// <summary>
/// A spec turned into runnable parts: dataset, model, θ₀ and a discrete or flow trainer.
/// Building touches no store, so a spec whose files or sizes do not fit fails before a run exists.
/// </summary>
public sealed class Experiment<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public required ExperimentSpec Spec { get; init; }

    public required Model Model { get; init; }

    public required Dataset<T> Data { get; init; }

    public required ParamSet<T> Initial { get; init; }

    /// <summary>The discrete trainer (null for gradient flow).</summary>
    public Trainer<T>? Trainer { get; init; }

    /// <summary>The flow trainer (null for discrete optimisers).</summary>
    public FlowTrainer<T>? Flow { get; init; }

    /// <summary>Steps of a discrete run (epochs converted), or 0 for flow.</summary>
    public long TotalSteps { get; init; }

    /// <summary>Integration time of a flow run (NaN for discrete runs).</summary>
    public double TotalTime { get; init; } = double.NaN;

    public TrainingState<T> Start() => Trainer is not null ? Trainer.Start(Initial) : Flow!.Start(Initial);

    /// <summary>The template the optimiser state of a checkpoint is read into (null for flow).</summary>
    public OptimizerState<T>? OptimizerTemplate => Trainer?.Options.Optimizer.Init(Initial);

    public TrainResult Run(TrainingState<T> start, IMetricSink sink, ICheckpointSink<T>? checkpoints,
        Action<long, double, double>? progress, CancellationToken cancel) =>
        Trainer is not null
            ? Trainer.Run(start, sink, checkpoints, progress, cancel)
            : Flow!.Run(start, sink, checkpoints, progress, cancel);
}
