using System.Diagnostics;
using System.Numerics;
using System.Text.Json;
using Gradscope.Ensembles;
using Gradscope.Lab.Spec;
using Gradscope.Lab.Store;
using Gradscope.Probes;
using Gradscope.Tensors;
using Gradscope.Training;

namespace Gradscope.Lab.Sweeps;

/// <summary>
/// Runs a sweep's queued trials as replica batches in this process (<see cref="EnsembleRunner"/>):
/// each trial still gets its own run in the store — its metrics, summary and a final checkpoint
/// (parameters) — exactly as if it had run alone. Trials are claimed first, so a concurrent worker
/// never runs them twice; a batch that is interrupted leaves its trials to lease expiry and they run
/// again from the start (ensemble runs keep no intermediate checkpoints).
/// </summary>
public static class SweepEnsemble
{
    /// <summary>Claims and runs every queued trial of the sweep whose specs can batch; returns how many trials it finished (0 when they cannot batch).</summary>
    public static int Run(IRunStore store, string sweepId, IReadOnlyList<Trial> trials, string workerId, TimeSpan lease, TextWriter? log = null, CancellationToken cancel = default)
    {
        var sweeps = (ISweepStore)store;
        var queued = sweeps.ListTrials(sweepId).Where(t => t.Status == TrialStatus.Queued).Select(t => t.Trial).ToList();
        if (queued.Count < 2 || !EnsemblePlan.CanBatch(queued.Select(i => trials[i].Spec).ToList()).Ok)
        {
            return 0;
        }
        var claimed = new List<TrialInfo>();
        while (claimed.Count < queued.Count && sweeps.ClaimTrial(sweepId, workerId, lease) is { } t)
        {
            claimed.Add(t);
        }
        if (claimed.Count == 0)
        {
            return 0;
        }
        var specs = claimed.Select(t => trials[t.Trial].Spec).ToList();
        log?.WriteLine($"gradscope sweep {sweepId}: {claimed.Count} trials as one replica batch");
        return specs[0].DType == DType.Float32
            ? Execute<float>(store, sweeps, sweepId, claimed, specs, workerId, lease, cancel)
            : Execute<double>(store, sweeps, sweepId, claimed, specs, workerId, lease, cancel);
    }

    private static int Execute<T>(IRunStore store, ISweepStore sweeps, string sweepId, List<TrialInfo> claimed, List<ExperimentSpec> specs,
        string workerId, TimeSpan lease, CancellationToken cancel) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var runs = specs.Select(s => store.CreateRun(s.Name, SpecLoader.ToJson(s), s.Seed, SpecNames.Kebab(s.DType))).ToList();
        for (int i = 0; i < runs.Count; i++)
        {
            sweeps.AttachRun(sweepId, claimed[i].Trial, workerId, runs[i].Id);
            store.MarkStarted(runs[i].Id);
        }
        var writers = runs.Select(r => store.OpenMetricWriter(r.Id, background: false)).ToList();
        var clock = Stopwatch.StartNew();
        IReadOnlyList<EnsembleResult<T>> results;
        using (var beat = new LeaseHeartbeat(store.Location, sweepId, claimed.Select(c => c.Trial).ToList(), workerId, lease))
        {
            results = EnsembleRunner.Run<T>(specs, writers.Select(w => (IMetricSink)new RunExecutor.WriterSink(w)).ToList(), cancel);
        }
        int done = 0;
        for (int i = 0; i < runs.Count; i++)
        {
            writers[i].Dispose();
            var r = results[i];
            var status = r.Outcome switch
            {
                RunOutcome.Completed => RunStatus.Completed,
                RunOutcome.Diverged => RunStatus.Diverged,
                _ => RunStatus.Stopped,
            };
            var dir = Path.Combine(store.RunDirectory(runs[i].Id), RunExecutor.CheckpointFolder);
            Directory.CreateDirectory(dir);
            var file = new SafeTensorFile();
            for (int p = 0; p < r.Parameters.Count; p++)
            {
                file.Add(r.Parameters.Names[p], r.Parameters[p]);
            }
            file.Metadata["step"] = r.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture);
            file.Metadata["time"] = r.Time.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            file.Save(Path.Combine(dir, $"step-{r.Steps}.safetensors"));
            store.UpdateSummary(runs[i].Id, JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["final_loss"] = double.IsFinite(r.LastLoss) ? r.LastLoss : null,
                ["steps"] = r.Steps,
                ["time"] = r.Time,
                ["wall_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                ["ensemble_replicas"] = runs.Count,
            }));
            store.MarkFinished(runs[i].Id, status, r.Steps, r.Message);
            if (status == RunStatus.Stopped)
            {
                sweeps.ReleaseTrial(sweepId, claimed[i].Trial, workerId);
                continue;
            }
            sweeps.FinishTrial(sweepId, claimed[i].Trial, workerId, status == RunStatus.Completed ? TrialStatus.Completed : TrialStatus.Diverged, runs[i].Id, r.Message);
            done++;
        }
        return done;
    }
}
