using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.ExceptionServices;
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
    /// solo run's would: the batch checks before a step, the trainer after its probes), and
    /// replicas not started yet stop at step 0 without records. Sinks are written from the worker threads, one
    /// thread at a time per sink object, each replica's records in step order.
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

/// <summary>
/// A built replica batch and the loop that trains it. The loop runs replica-major: each thread
/// claims a replica, takes all of its steps (forward, backward, metrics, update), then claims the
/// next. Replicas are independent, so this order gives every replica exactly the steps of the
/// step-major order while needing no barrier between steps — a thread that the OS deschedules
/// (this machine's two cores are shared) delays only its own replica, nobody spins waiting for
/// it — and a replica's data, parameters and activations stay in one core's cache for its whole run.
/// </summary>
internal sealed class PreparedEnsemble<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Experiment<T>[] _experiments;
    private readonly ProbeSchedule<T>[] _schedules;
    private readonly ProbeKind[] _kinds;

    public PreparedEnsemble(IReadOnlyList<ExperimentSpec> specs, Experiment<T>[] experiments)
    {
        _experiments = experiments;
        _schedules = [.. experiments[0].Trainer!.Options.Probes];
        _kinds = specs[0].Probes.Select(p => p.Kind).ToArray();
        Batch = new ReplicaBatch<T>(experiments, keepPrevious: _kinds.Contains(ProbeKind.UpdateNorm));
    }

    public ReplicaBatch<T> Batch { get; }

    public long TotalSteps => _experiments[0].TotalSteps;

    /// <summary>Threads training replicas at once (default: every core, within the engine's GEMM thread limit; 1 = the calling thread only).</summary>
    public int Threads { get; set; } = Math.Min(Environment.ProcessorCount, Gemm.MaxThreads);

    /// <summary>Wall time of the last <see cref="Train"/>'s loop.</summary>
    public TimeSpan LoopTime { get; private set; }

    public void Dispose() => Batch.Dispose();

    public IReadOnlyList<EnsembleResult<T>> Train(IReadOnlyList<IMetricSink> sinks, CancellationToken cancel)
    {
        int count = _experiments.Length;
        if (sinks.Count != count)
        {
            throw new BadInputException($"{sinks.Count} metric sinks for {count} replicas");
        }
        // A sink shared by several replicas is written by one thread at a time.
        var locks = new Dictionary<IMetricSink, object>(ReferenceEqualityComparer.Instance);
        foreach (var s in sinks)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(sinks));
            locks.TryAdd(s, new object());
        }
        var results = new EnsembleResult<T>?[count];
        int next = -1;
        void Worker()
        {
            var metrics = new List<(string, double)>();
            var due = new Dictionary<long, ProbeKind[]>();
            int r;
            while ((r = Interlocked.Increment(ref next)) < count)
            {
                results[r] = TrainReplica(r, sinks[r], locks[sinks[r]], metrics, due, cancel);
            }
        }
        var clock = Stopwatch.StartNew();
        int threads = Math.Clamp(Threads, 1, count);
        var helpers = Enumerable.Range(1, threads - 1).Select(_ => Task.Factory.StartNew(Worker, CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            Worker();
        }
        finally
        {
            // Stop the helpers early if this thread failed, and never leave them running.
            Interlocked.Exchange(ref next, count);
            try
            {
                Task.WaitAll(helpers);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }
        LoopTime = clock.Elapsed;
        return results.Select(r => r!).ToArray();
    }

    /// <summary>All the steps of replica r, with the trainer's metrics, divergence rule and time axis.</summary>
    private EnsembleResult<T> TrainReplica(int r, IMetricSink sink, object sinkLock, List<(string Name, double Value)> metrics,
        Dictionary<long, ProbeKind[]> dueCache, CancellationToken cancel)
    {
        var options = _experiments[r].Trainer!.Options;
        double lossAbove = options.LossAbove;
        long total = TotalSteps;
        double time = 0;
        double loss = double.NaN;
        for (long k = 0; ; k++)
        {
            bool last = k >= total;
            if (!last && cancel.IsCancellationRequested)
            {
                return Result(r, RunOutcome.Stopped, k, time, loss, "stopped by request");
            }
            loss = Batch.Step(r, new ReplicaBatch<T>.StepPlan(k, last, lossAbove, Due(k, total, dueCache)), metrics);
            if (!last && (!double.IsFinite(loss) || loss > lossAbove))
            {
                // As the trainer: keep the offending loss, then stop (the step's update was not made).
                lock (sinkLock)
                {
                    sink.Write(k, time, "loss/train", loss);
                }
                return Result(r, RunOutcome.Diverged, k, time, loss, string.Create(CultureInfo.InvariantCulture,
                    $"loss {loss:G6} at step {k} ({(double.IsFinite(loss) ? $"above the bound {lossAbove:G3}" : "not finite")})"));
            }
            if (metrics.Count > 0)
            {
                lock (sinkLock)
                {
                    foreach (var (name, value) in metrics)
                    {
                        sink.Write(k, time, name, value);
                    }
                }
            }
            if (last)
            {
                return Result(r, RunOutcome.Completed, k, time, loss, null);
            }
            time += options.LearningRate(k);
        }
    }

    /// <summary>The kinds of the probes due at step k in spec order (one array per distinct set, cached per thread).</summary>
    private ProbeKind[] Due(long k, long total, Dictionary<long, ProbeKind[]> cache)
    {
        long mask = 0;
        for (int i = 0; i < _schedules.Length; i++)
        {
            if (_schedules[i].Due(k, total))
            {
                mask |= 1L << Math.Min(i, 62);
            }
        }
        if (_schedules.Length > 62 || !cache.TryGetValue(mask, out var kinds))
        {
            kinds = _kinds.Where((_, i) => _schedules[i].Due(k, total)).ToArray();
            if (_schedules.Length <= 62)
            {
                cache[mask] = kinds;
            }
        }
        return kinds;
    }

    private EnsembleResult<T> Result(int r, RunOutcome outcome, long step, double time, double loss, string? message) =>
        new(outcome, step, time, loss, _experiments[r].Initial.Unflatten(Batch.Theta(r)), message);
}
