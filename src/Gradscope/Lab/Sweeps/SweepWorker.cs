using System.Text.Json;
using Gradscope.Lab.Spec;
using Gradscope.Lab.Store;

namespace Gradscope.Lab.Sweeps;

/// <summary>What a worker did.</summary>
public sealed record WorkerReport(int Finished, int Failed, int Released);

/// <summary>
/// The worker loop of a sweep (issue 6): claim a trial from the store (PostgreSQL: <c>FOR UPDATE
/// SKIP LOCKED</c>; SQLite: an immediate transaction), run it — resuming its run from the last
/// checkpoint when an earlier claim had started it — while a heartbeat on its own connection renews
/// the lease, then record the outcome. A worker that dies lets its lease expire; the next claim
/// re-queues the trial and resumes its run, so every trial completes exactly once and the metrics
/// logged after the checkpoint are replaced, never duplicated.
/// </summary>
public static class SweepWorker
{
    public static WorkerReport Run(string storeLocation, string? sweepId, string workerId, TimeSpan lease, int? maxTrials = null,
        TextWriter? log = null, CancellationToken cancel = default)
    {
        using var store = RunStore.Open(storeLocation);
        var sweeps = (ISweepStore)store;
        var plans = new Dictionary<string, IReadOnlyList<Trial>>(StringComparer.Ordinal);
        int finished = 0, failed = 0, released = 0;
        while (!cancel.IsCancellationRequested && (maxTrials is null || finished + failed < maxTrials))
        {
            var t = sweeps.ClaimTrial(sweepId, workerId, lease);
            if (t is null)
            {
                // Another worker may still die holding a trial: while the sweep is unfinished, wait for leases to expire.
                if (sweepId is not null && sweeps.GetSweep(sweepId) is { IsDone: false })
                {
                    cancel.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Clamp(lease.TotalMilliseconds / 4, 50, 2000)));
                    continue;
                }
                break;
            }
            if (!plans.TryGetValue(t.SweepId, out var trials))
            {
                trials = SweepPlan.Expand(StoredSweep.FromJson(sweeps.GetSweep(t.SweepId)!.SpecJson));
                plans[t.SweepId] = trials;
            }
            log?.WriteLine($"worker {workerId}: {t.SweepId} trial {t.Trial} ({SweepPlan.Describe(trials[t.Trial].Axes)}){(t.RunId is null ? "" : $", resuming {t.RunId}")}");
            var outcome = RunTrial(store, sweeps, storeLocation, t, trials[t.Trial].Spec, workerId, lease, cancel);
            switch (outcome)
            {
                case TrialStatus.Completed or TrialStatus.Diverged:
                    finished++;
                    break;
                case TrialStatus.Failed:
                    failed++;
                    break;
                default:
                    released++;
                    break;
            }
        }
        return new WorkerReport(finished, failed, released);
    }

    /// <summary>Runs one claimed trial; returns its terminal status, or Queued when it was given back (lease lost or cancelled).</summary>
    private static TrialStatus RunTrial(IRunStore store, ISweepStore sweeps, string location, TrialInfo t, ExperimentSpec spec, string workerId, TimeSpan lease, CancellationToken cancel)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bool lost = false;
        using var heartbeat = new LeaseHeartbeat(location, t.SweepId, [t.Trial], workerId, lease, _ =>
        {
            lost = true;
            stop.Cancel();
        });
        RunInfo result;
        try
        {
            var existing = t.RunId is null ? null : store.GetRun(t.RunId);
            if (existing is { Status: RunStatus.Completed or RunStatus.Diverged })
            {
                result = existing;
            }
            else if (existing is not null)
            {
                result = RunExecutor.Resume(existing.Id, store, cancel: stop.Token);
            }
            else
            {
                result = RunExecutor.Run(spec, store, cancel: stop.Token, created: r => sweeps.AttachRun(t.SweepId, t.Trial, workerId, r.Id));
            }
        }
        catch (Exception e) when (e is BadInputException or SpecException or Data.DataException or IOException)
        {
            sweeps.FinishTrial(t.SweepId, t.Trial, workerId, TrialStatus.Failed, t.RunId, e.Message);
            return TrialStatus.Failed;
        }
        heartbeat.Stop();
        if (lost)
        {
            return TrialStatus.Queued;
        }
        var status = result.Status switch
        {
            RunStatus.Completed => TrialStatus.Completed,
            RunStatus.Diverged => TrialStatus.Diverged,
            RunStatus.Failed => TrialStatus.Failed,
            _ => TrialStatus.Queued,
        };
        if (status == TrialStatus.Queued)
        {
            sweeps.ReleaseTrial(t.SweepId, t.Trial, workerId);
            return status;
        }
        sweeps.FinishTrial(t.SweepId, t.Trial, workerId, status, result.Id, result.Error);
        return status;
    }

    /// <summary>The axis values of a trial as the JSON object stored with it.</summary>
    public static string AxesJson(Trial t) => JsonSerializer.Serialize(t.Axes.ToDictionary(a => a.Key, a => a.Value));
}
