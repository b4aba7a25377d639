using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Gradscope.Lab.Spec;
using Gradscope.Lab.Store;
using Gradscope.Probes;
using Gradscope.Probes.Curvature;
using Gradscope.Tensors;
using Gradscope.Training;

namespace Gradscope.Lab;

/// <summary>Progress of a running experiment: (step or record index, time, latest loss).</summary>
public delegate void RunProgress(long step, double time, double loss);

/// <summary>
/// Runs specs against a store: build (no store writes if that fails) → create the run → train
/// with metrics streamed in batches and checkpoints under &lt;run&gt;/checkpoints → final status and
/// summary. Resumes stopped or killed runs from their newest checkpoint.
/// </summary>
public static class RunExecutor
{
    public const string CheckpointFolder = "checkpoints";

    /// <summary>
    /// Fault injection for tests of crash recovery: when set to N, the process SIGKILLs itself when
    /// training reaches step N (no finally blocks, no flushes — exactly like <c>kill -9</c>).
    /// </summary>
    public const string FaultKillAtStepVariable = "GRADSCOPE_FAULT_KILL_AT_STEP";

    /// <param name="created">Called once the run exists in the store, before training starts (a sweep worker records the run id then, so a re-claimed trial resumes it).</param>
    public static RunInfo Run(ExperimentSpec spec, IRunStore store, RunProgress? progress = null, CancellationToken cancel = default, Action<RunInfo>? created = null) =>
        spec.DType == DType.Float32 ? Run<float>(spec, store, progress, cancel, created) : Run<double>(spec, store, progress, cancel, created);

    public static RunInfo Resume(string runIdOrPrefix, IRunStore store, RunProgress? progress = null, CancellationToken cancel = default)
    {
        var info = store.GetRun(runIdOrPrefix) ?? throw new BadInputException($"no run '{runIdOrPrefix}' in store {store.Location}");
        if (info.Status is RunStatus.Completed or RunStatus.Diverged)
        {
            throw new BadInputException($"run {info.Id} already finished ({info.Status.ToName()}); nothing to resume");
        }
        var spec = SpecLoader.Parse(info.SpecJson, "json");
        return spec.DType == DType.Float32 ? Resume<float>(info, spec, store, progress, cancel) : Resume<double>(info, spec, store, progress, cancel);
    }

    private static RunInfo Run<T>(ExperimentSpec spec, IRunStore store, RunProgress? progress, CancellationToken cancel, Action<RunInfo>? created) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var exp = ExperimentBuilder.Build<T>(spec);
        var info = store.CreateRun(spec.Name, SpecLoader.ToJson(spec), spec.Seed, SpecNames.Kebab(spec.DType));
        created?.Invoke(info);
        return Execute(exp, info, exp.Start(), store, progress, cancel);
    }

    private static RunInfo Resume<T>(RunInfo info, ExperimentSpec spec, IRunStore store, RunProgress? progress, CancellationToken cancel) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var exp = ExperimentBuilder.Build<T>(spec);
        var latest = Checkpoints(info.Directory).LastOrDefault();
        TrainingState<T> start;
        if (latest.Path is null)
        {
            store.DeleteMetricsAfter(info.Id, -1);
            start = exp.Start();
        }
        else
        {
            start = TrainingState<T>.FromFile(SafeTensorFile.Load(latest.Path), exp.Model, exp.OptimizerTemplate);
            store.DeleteMetricsAfter(info.Id, start.Step);
        }
        return Execute(exp, info, start, store, progress, cancel);
    }

    private static RunInfo Execute<T>(Experiment<T> exp, RunInfo info, TrainingState<T> start, IRunStore store, RunProgress? progress, CancellationToken cancel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        store.MarkStarted(info.Id);
        var clock = Stopwatch.StartNew();
        TrainResult result;
        using (var writer = store.OpenMetricWriter(info.Id))
        {
            var sink = new WriterSink(writer);
            var checkpoints = new FileCheckpoints<T>(Path.Combine(info.Directory, CheckpointFolder), writer);
            long killAt = long.TryParse(Environment.GetEnvironmentVariable(FaultKillAtStepVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ka) ? ka : -1;
            void Progress(long k, double t, double l)
            {
                if (k == killAt)
                {
                    System.Diagnostics.Process.GetCurrentProcess().Kill();
                }
                progress?.Invoke(k, t, l);
            }
            try
            {
                result = exp.Run(start, sink, checkpoints, progress is null && killAt < 0 ? null : Progress, cancel);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                writer.Flush();
                store.MarkFinished(info.Id, RunStatus.Failed, start.Step, e.Message);
                throw;
            }
            writer.Flush();
        }
        var status = result.Outcome switch
        {
            RunOutcome.Completed => RunStatus.Completed,
            RunOutcome.Diverged => RunStatus.Diverged,
            _ => RunStatus.Stopped,
        };
        store.UpdateSummary(info.Id, Summary(store, info.Id, result, clock.Elapsed.TotalSeconds));
        store.MarkFinished(info.Id, status, Math.Max(0, result.Steps), result.Message);
        return store.GetRun(info.Id)!;
    }

    /// <summary>Run-level results: final loss, wall time, speed, and the theory agreement when a theory probe ran.</summary>
    private static string Summary(IRunStore store, string runId, TrainResult r, double seconds)
    {
        var d = new Dictionary<string, object?>
        {
            ["final_loss"] = double.IsFinite(r.LastLoss) ? r.LastLoss : null,
            ["steps"] = r.Steps,
            ["time"] = r.Time,
            ["wall_seconds"] = Math.Round(seconds, 3),
        };
        var theory = store.ReadMetrics(runId, ["theory/max_rel_error"]).Select(m => m.Value).Where(double.IsFinite).ToArray();
        if (theory.Length > 0)
        {
            d["theory_max_rel_error"] = theory.Max();
        }
        foreach (var (value, threshold, prefix) in new[] { ("sharpness", "sharpness/threshold", "eos"), ("sharpness/preconditioned", "sharpness/preconditioned/threshold", "eos_preconditioned") })
        {
            var rows = store.ReadMetrics(runId, [value, threshold]).ToArray();
            if (EdgeOfStability.Summarise(rows.Where(m => m.Name == value).Select(m => (m.Step, m.Value)), rows.Where(m => m.Name == threshold).Select(m => (m.Step, m.Value))) is { } eos)
            {
                d[prefix + "_first_step"] = eos.FirstStep;
                d[prefix + "_median_ratio"] = eos.MedianRatio;
            }
        }
        return JsonSerializer.Serialize(d);
    }

    /// <summary>Checkpoint files of a run, oldest step first.</summary>
    public static IReadOnlyList<(long Step, string Path)> Checkpoints(string runDirectory)
    {
        var dir = Path.Combine(runDirectory, CheckpointFolder);
        if (!Directory.Exists(dir))
        {
            return [];
        }
        return Directory.GetFiles(dir, "step-*.safetensors")
            .Select(p => (Ok: long.TryParse(Path.GetFileNameWithoutExtension(p)["step-".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s), Step: s, Path: p))
            .Where(x => x.Ok)
            .OrderBy(x => x.Step)
            .Select(x => (x.Step, x.Path))
            .ToArray();
    }

    /// <summary>Probes' metrics into a run's store writer (a solo run, or one replica of a batch).</summary>
    internal sealed class WriterSink(MetricWriter writer) : IMetricSink
    {
        public void Write(long step, double time, string name, double value) => writer.Append(step, time, name, value);

        public void WriteVector(long step, double time, string name, ReadOnlySpan<double> values) => writer.AppendVector(step, time, name, values);
    }

    /// <summary>Saves checkpoints as step-N.safetensors, flushing metrics first so a resume never misses records.</summary>
    private sealed class FileCheckpoints<T>(string dir, MetricWriter writer) : ICheckpointSink<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Save(TrainingState<T> state)
        {
            writer.Flush();
            Directory.CreateDirectory(dir);
            state.ToFile().Save(Path.Combine(dir, $"step-{Math.Max(0, state.Step)}.safetensors"));
        }
    }
}
