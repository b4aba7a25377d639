using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Gradscope.Lab;
using Gradscope.Lab.Spec;
using Gradscope.Probes;
using Gradscope.Tensors.Kernels;
using Gradscope.Training;

namespace Gradscope.Ensembles;

/// <summary>
/// Trains the trials of a sweep that differ only in seed and per-trial hyperparameters as one
/// replica batch in one process (<see cref="EnsemblePlan.CanBatch"/> says which can). Each replica's
/// data and θ₀ are built exactly as its solo run builds them (<see cref="ExperimentBuilder.Build{T}"/>
/// per spec, then stacked on a leading replica axis), and each replica's trajectory and metrics are
/// those of its solo <see cref="Trainer{T}"/> run (see <see cref="ReplicaBatch{T}"/> for how exactly).
/// </summary>
public static class EnsembleRunner
{
    /// <summary>
    /// Runs the specs as one batch; <paramref name="sinks"/>[r] receives replica r's metrics with the
    /// same names, steps and times as a solo run. Probes: loss, accuracy, grad-norm (global and per
    /// tensor), param-norm, distance-from-init, update-norm. A replica whose loss is not finite or
    /// above divergence.loss_above stops there with outcome Diverged (its last metric is that loss,
    /// as in a solo run); the others continue. On cancellation every running replica stops with
    /// outcome Stopped at the step about to be taken (its metrics end one step earlier than a
    /// solo run's would: the batch checks before a step, the trainer after its probes).
    /// </summary>
    /// <exception cref="BadInputException">The specs cannot run as one batch (the reason names the key), the sinks do not match, or a spec cannot be built.</exception>
    public static IReadOnlyList<EnsembleResult<T>> Run<T>(IReadOnlyList<ExperimentSpec> specs, IReadOnlyList<IMetricSink> sinks, CancellationToken cancel = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(sinks);
        using var ensemble = Prepare<T>(specs);
        return ensemble.Train(sinks, cancel);
    }

    /// <summary>Checks and builds the batch (data, θ₀, optimisers) without training it.</summary>
    internal static PreparedEnsemble<T> Prepare<T>(IReadOnlyList<ExperimentSpec> specs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(specs);
        var (ok, reason) = EnsemblePlan.CanBatch(specs);
        if (!ok)
        {
            throw new BadInputException(reason!);
        }
        var want = typeof(T) == typeof(double) ? DType.Float64 : typeof(T) == typeof(float) ? DType.Float32
            : throw new NotSupportedException($"replica batches run float64 or float32, not {typeof(T).Name}");
        if (specs[0].DType != want)
        {
            throw new BadInputException($"dtype: the specs say {SpecNames.Kebab(specs[0].DType)}, the batch was asked to run {SpecNames.Kebab(want)}");
        }
        var experiments = specs.Select(ExperimentBuilder.Build<T>).ToArray();
        return new PreparedEnsemble<T>(specs, experiments);
    }
}

/// <summary>A built replica batch: the runner's loop over steps (metrics, divergence, time axis).</summary>
internal sealed class PreparedEnsemble<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ExperimentSpec[] _specs;
    private readonly Experiment<T>[] _experiments;
    private readonly (ProbeSchedule<T> Schedule, ProbeKind Kind)[] _probes;

    public PreparedEnsemble(IReadOnlyList<ExperimentSpec> specs, Experiment<T>[] experiments)
    {
        _specs = [.. specs];
        _experiments = experiments;
        var schedules = experiments[0].Trainer!.Options.Probes;
        _probes = schedules.Select((p, i) => (p, specs[0].Probes[i].Kind)).ToArray();
        Batch = new ReplicaBatch<T>(experiments, keepPrevious: _probes.Any(p => p.Kind == ProbeKind.UpdateNorm));
    }

    public ReplicaBatch<T> Batch { get; }

    public long TotalSteps => _experiments[0].TotalSteps;

    /// <summary>Threads a step may use (the GEMM's limit by default; 1 = serial).</summary>
    public int Threads { get; set; } = Gemm.MaxThreads;

    /// <summary>Wall time of the last <see cref="Train"/>'s loop over steps.</summary>
    public TimeSpan LoopTime { get; private set; }

    public void Dispose() => Batch.Dispose();

    public IReadOnlyList<EnsembleResult<T>> Train(IReadOnlyList<IMetricSink> sinks, CancellationToken cancel)
    {
        int count = _experiments.Length;
        if (sinks.Count != count)
        {
            throw new BadInputException($"{sinks.Count} metric sinks for {count} replicas");
        }
        var options = _experiments.Select(e => e.Trainer!.Options).ToArray();
        double lossAbove = options[0].LossAbove;
        long total = TotalSteps;
        var active = Enumerable.Range(0, count).ToArray();
        var time = new double[count];
        var results = new EnsembleResult<T>?[count];
        var clock = Stopwatch.StartNew();
        for (long k = 0; count > 0; k++)
        {
            bool last = k >= total;
            if (!last && k > 0 && cancel.IsCancellationRequested)
            {
                for (int i = 0; i < count; i++)
                {
                    int r = active[i];
                    results[r] = Result(r, RunOutcome.Stopped, k, time[r], Batch.Loss[r], "stopped by request");
                }
                break;
            }
            Batch.Plan = new ReplicaBatch<T>.StepPlan
            {
                Step = k,
                Last = last,
                LossAbove = lossAbove,
                Due = _probes.Where(p => p.Schedule.Due(k, total)).Select(p => p.Kind).ToArray(),
            };
            ReplicaStepWork<T>.Run(Batch, active, count, Threads);
            int next = 0;
            for (int i = 0; i < count; i++)
            {
                int r = active[i];
                double loss = Batch.Loss[r];
                if (!last && (!double.IsFinite(loss) || loss > lossAbove))
                {
                    // As the trainer: keep the offending loss, then stop this replica (its update was skipped).
                    sinks[r].Write(k, time[r], "loss/train", loss);
                    results[r] = Result(r, RunOutcome.Diverged, k, time[r], loss, string.Create(CultureInfo.InvariantCulture,
                        $"loss {loss:G6} at step {k} ({(double.IsFinite(loss) ? $"above the bound {lossAbove:G3}" : "not finite")})"));
                    continue;
                }
                foreach (var (name, value) in Batch.Metrics[r])
                {
                    sinks[r].Write(k, time[r], name, value);
                }
                if (last)
                {
                    results[r] = Result(r, RunOutcome.Completed, k, time[r], loss, null);
                    continue;
                }
                time[r] += options[r].LearningRate(k);
                active[next++] = r;
            }
            count = last ? 0 : next;
        }
        LoopTime = clock.Elapsed;
        return results.Select(r => r!).ToArray();
    }

    private EnsembleResult<T> Result(int r, RunOutcome outcome, long step, double time, double loss, string? message) =>
        new(outcome, step, time, loss, _experiments[r].Initial.Unflatten(Batch.Theta(r)), message);
}
