using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Data;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Optim;
using Gradscope.Probes;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Training;

/// <summary>How a run ended.</summary>
public enum RunOutcome
{
    Completed,
    Diverged,
    Stopped,
}

public sealed record TrainResult(RunOutcome Outcome, long Steps, double Time, double LastLoss, string? Message);

/// <summary>Receives training states to persist (step 0, every N steps, the final step).</summary>
public interface ICheckpointSink<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    void Save(TrainingState<T> state);
}

/// <summary>What the trainer runs: model, data, loss, optimiser and schedules.</summary>
public sealed record TrainerOptions<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public required Model Model { get; init; }

    public required Dataset<T> Data { get; init; }

    public required LossKind Loss { get; init; }

    public required GradientTransformation<T> Optimizer { get; init; }

    /// <summary>η_k of step k, used for the time axis (t = Σ η) and reported to probes.</summary>
    public required Func<long, double> LearningRate { get; init; }

    public required long Steps { get; init; }

    /// <summary>Minibatch size; null means full batch.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Key of the minibatch order: epoch e uses Permutation(key.Fold(e)).</summary>
    public RngKey ShuffleKey { get; init; } = RngKey.FromSeed(0);

    /// <summary>A loss above this (or non-finite) ends the run as diverged.</summary>
    public double LossAbove { get; init; } = 1e10;

    /// <summary>Checkpoint every N steps (0: only step 0 and the final step).</summary>
    public long CheckpointEvery { get; init; }

    public IReadOnlyList<ProbeSchedule<T>> Probes { get; init; } = [];
}

/// <summary>
/// Discrete-time training: batch → forward → loss → backward → gradient transformation → update,
/// with probes on their schedules. Record points see θ_k before the k-th update; the last record
/// is at k = Steps. The run is a pure function of its inputs, so a resumed run reproduces an
/// uninterrupted one bitwise.
/// </summary>
public sealed class Trainer<T>(TrainerOptions<T> options) where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly TrainerOptions<T> _o = options;

    public TrainerOptions<T> Options => _o;

    /// <summary>The initial state: θ₀ and the optimiser's initial state at step 0.</summary>
    public TrainingState<T> Start(ParamSet<T> initial) =>
        new(0, 0, initial, _o.Optimizer.Init(initial), initial.Clone());

    public TrainResult Run(TrainingState<T> start, IMetricSink sink, ICheckpointSink<T>? checkpoints = null,
        Action<long, double, double>? progress = null, CancellationToken cancel = default)
    {
        var data = _o.Data.Train;
        int n = data.Count;
        int batch = _o.BatchSize is { } b && b < n ? b : n;
        long batchesPerEpoch = (n + batch - 1) / batch;
        int[]? perm = null;
        long permEpoch = -1;

        var theta = start.Params;
        var opt = start.Optimizer ?? _o.Optimizer.Init(theta);
        var initial = start.Initial;
        ParamSet<T>? previous = null;
        double time = start.Time;
        double lastLoss = double.NaN;
        long total = _o.Steps;

        for (long k = start.Step; ; k++)
        {
            // Every tensor computed in an iteration is dead at its end (parameters and optimiser
            // state are allocated outside the pool), so the step recycles its buffers.
            using var arena = TensorArena.Begin();
            bool last = k >= total;
            (double Loss, Tensor<T>[] Grad)? full = null;
            Tensor<T>[]? grad = null;
            if (!last)
            {
                Tensor<T> xb = data.X, yb = data.Y;
                if (batch < n)
                {
                    long epoch = k / batchesPerEpoch;
                    if (epoch != permEpoch)
                    {
                        perm = Sampling.Permutation(_o.ShuffleKey.Fold((ulong)epoch), n);
                        permEpoch = epoch;
                    }
                    int first = (int)(k % batchesPerEpoch) * batch;
                    var idx = perm.AsSpan(first, Math.Min(batch, n - first)).ToArray();
                    xb = Tensor.IndexSelect(data.X, 0, idx);
                    yb = Tensor.IndexSelect(data.Y, 0, idx);
                }
                var (v, g) = Grad.ValueAndGrad(p => Loss.Compute(_o.Loss, _o.Model.Forward(p, xb), yb), theta.Tensors);
                lastLoss = double.CreateTruncating(v.Item());
                grad = g;
                if (batch == n)
                {
                    full = (lastLoss, g);
                }
            }

            bool diverged = !last && (!double.IsFinite(lastLoss) || lastLoss > _o.LossAbove);
            var ctx = new ProbeContext<T>
            {
                Step = k,
                Time = time,
                Params = theta,
                Initial = initial,
                Previous = previous,
                Model = _o.Model,
                Data = _o.Data,
                Loss = _o.Loss,
                Known = full,
                LearningRate = last ? double.NaN : _o.LearningRate(k),
                Optimizer = _o.Optimizer,
                OptimizerState = opt,
            };
            if (diverged)
            {
                // Keep what was measured: the offending loss, then stop.
                sink.Write(k, time, batch == n ? "loss/train" : "loss/batch", lastLoss);
                return new TrainResult(RunOutcome.Diverged, k, time, lastLoss,
                    $"loss {lastLoss:G6} at step {k} ({(double.IsFinite(lastLoss) ? $"above the bound {_o.LossAbove:G3}" : "not finite")})");
            }
            // A resumed run starts at its checkpoint's step, whose records were written before the
            // checkpoint was saved: don't write them twice.
            bool resumedHere = k == start.Step && k > 0;
            foreach (var p in _o.Probes)
            {
                if (!resumedHere && p.Due(k, total))
                {
                    p.Probe.Record(ctx, sink);
                }
            }
            if (last && batch == n)
            {
                lastLoss = ctx.FullBatch.Loss;
            }
            bool due = k == 0 || last || (_o.CheckpointEvery > 0 && k % _o.CheckpointEvery == 0);
            if (checkpoints is not null && due && !resumedHere)
            {
                checkpoints.Save(new TrainingState<T>(k, time, theta, opt, initial));
            }
            progress?.Invoke(k, time, lastLoss);
            if (last)
            {
                return new TrainResult(RunOutcome.Completed, k, time, lastLoss, null);
            }
            if (cancel.IsCancellationRequested)
            {
                if (checkpoints is not null && !due && !resumedHere)
                {
                    checkpoints.Save(new TrainingState<T>(k, time, theta, opt, initial));
                }
                return new TrainResult(RunOutcome.Stopped, k, time, lastLoss, "stopped by request");
            }
            previous = theta;
            (theta, opt) = Optimizer.Step(_o.Optimizer, grad!, opt, theta, k);
            time += _o.LearningRate(k);
        }
    }
}
