using System.Numerics;
using Gradscope.Data;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Optim.Flow;
using Gradscope.Probes;

namespace Gradscope.Training;

/// <summary>What a gradient-flow run integrates and records.</summary>
public sealed record FlowTrainerOptions<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public required Model Model { get; init; }

    public required Dataset<T> Data { get; init; }

    public required LossKind Loss { get; init; }

    /// <summary>Creates the integrator (dopri5 or rk4) — a fresh one per run.</summary>
    public required Func<FlowStepper<T>> Stepper { get; init; }

    /// <summary>Integrate up to this time.</summary>
    public required double Time { get; init; }

    /// <summary>Probes with <see cref="ProbeSchedule{T}.EveryTime"/> intervals.</summary>
    public IReadOnlyList<ProbeSchedule<T>> Probes { get; init; } = [];

    public double LossAbove { get; init; } = 1e10;

    /// <summary>Checkpoint every N accepted integrator steps (0: only at t = 0 and at the end).</summary>
    public long CheckpointEvery { get; init; }
}

/// <summary>
/// Gradient flow dθ/dt = −∇L(θ) integrated to time T. Records land exactly at each probe's
/// times (multiples of its interval) through the integrator's dense output, so flow can be
/// compared point by point with theory and with GD. The metric "step" of a record is its index
/// in the merged grid of record times.
/// </summary>
public sealed class FlowTrainer<T>(FlowTrainerOptions<T> options) where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly FlowTrainerOptions<T> _o = options;

    public FlowTrainerOptions<T> Options => _o;

    public TrainingState<T> Start(ParamSet<T> initial) => new(-1, 0, initial, null, initial.Clone());

    public TrainResult Run(TrainingState<T> start, IMetricSink sink, ICheckpointSink<T>? checkpoints = null,
        Action<long, double, double>? progress = null, CancellationToken cancel = default)
    {
        var template = start.Params;
        var data = _o.Data.Train;
        var field = new GradientFlowField<T>(template, p => Losses.Loss.Compute(_o.Loss, _o.Model.Forward(p, data.X), data.Y));
        // Each probe's own grid, and their union (exact doubles from the same formula, so equality works).
        var grids = _o.Probes.Select(p => new HashSet<double>(FlowIntegrator.Every(0, _o.Time, p.EveryTime))).ToArray();
        var times = grids.SelectMany(g => g).Append(0.0).Append(_o.Time).Distinct().Order().ToArray();
        var index = times.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => (long)p.i);

        var stepper = _o.Stepper();
        ParamSet<T>? previous = null;
        long lastRecord = start.Step;
        double lastLoss = double.NaN;
        string? divergence = null;

        void OnOutput(double t, ReadOnlySpan<T> y)
        {
            var theta = template.Unflatten(y);
            var ctx = new ProbeContext<T>
            {
                Step = index[t],
                Time = t,
                Params = theta,
                Initial = start.Initial,
                Previous = previous,
                Model = _o.Model,
                Data = _o.Data,
                Loss = _o.Loss,
            };
            lastLoss = ctx.FullBatch.Loss;
            if (!double.IsFinite(lastLoss) || lastLoss > _o.LossAbove)
            {
                sink.Write(ctx.Step, t, "loss/train", lastLoss);
                divergence ??= $"loss {lastLoss:G6} at time {t:G6}";
                return;
            }
            for (int i = 0; i < _o.Probes.Count; i++)
            {
                if (grids[i].Contains(t))
                {
                    _o.Probes[i].Probe.Record(ctx, sink);
                }
            }
            previous = theta;
            lastRecord = ctx.Step;
            progress?.Invoke(ctx.Step, t, lastLoss);
        }

        void Save(double t)
        {
            var st = stepper.State.DeepCopy();
            checkpoints!.Save(new TrainingState<T>(lastRecord, t, template.Unflatten(st.Y), null, start.Initial, st));
        }

        bool AfterStep(FlowStepper<T> s)
        {
            if (divergence is not null || !double.IsFinite(field.LastLoss))
            {
                divergence ??= $"loss {field.LastLoss:G6} at time {s.CurrentTime:G6}";
                return false;
            }
            if (checkpoints is not null && _o.CheckpointEvery > 0 && s.State.Accepted % _o.CheckpointEvery == 0)
            {
                Save(s.CurrentTime);
            }
            if (cancel.IsCancellationRequested)
            {
                if (checkpoints is not null)
                {
                    Save(s.CurrentTime);
                }
                return false;
            }
            return true;
        }

        try
        {
            if (start.Flow is null)
            {
                FlowIntegrator.Integrate(stepper, field, template.Flatten(), 0, _o.Time, times, OnOutput, AfterStep);
            }
            else
            {
                stepper.Restore(start.Flow);
                previous = start.Params;
                FlowIntegrator.Continue(stepper, field, _o.Time, times, OnOutput, AfterStep);
            }
        }
        catch (FlowIntegrationException e)
        {
            divergence ??= e.Message;
        }
        if (divergence is not null)
        {
            return new TrainResult(RunOutcome.Diverged, lastRecord, stepper.CurrentTime, lastLoss, divergence);
        }
        if (stepper.CurrentTime < _o.Time)
        {
            return new TrainResult(RunOutcome.Stopped, lastRecord, stepper.CurrentTime, lastLoss, "stopped by request");
        }
        if (checkpoints is not null)
        {
            Save(stepper.CurrentTime);
        }
        return new TrainResult(RunOutcome.Completed, lastRecord, stepper.CurrentTime, lastLoss, null);
    }
}
