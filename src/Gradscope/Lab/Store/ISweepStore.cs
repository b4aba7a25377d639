namespace Gradscope.Lab.Store;

/// <summary>
/// Sweeps and their trial queue, shared by any number of workers (threads, processes, machines)
/// through one store: SQLite for workers on one machine, PostgreSQL across machines. Every
/// operation is one transaction. A worker's loop:
/// <code>
/// while (store.ClaimTrial(sweepId, workerId, lease) is { } t)
/// {
///     string runId = t.RunId ?? CreateRunAndAttach(t);          // AttachRun(t.SweepId, t.Trial, workerId, id)
///     // train (resume t.RunId from its last checkpoint if it had one), calling
///     // RenewLease every lease/3; stop when it returns false (the trial was taken over)
///     store.FinishTrial(t.SweepId, t.Trial, workerId, TrialStatus.Completed, runId);
/// }
/// </code>
/// Leases are compared with the workers' clocks (UTC): machines sharing a PostgreSQL store need
/// clocks in sync to well within a lease (NTP does that).
/// </summary>
public interface ISweepStore
{
    /// <summary>
    /// Creates the sweep <paramref name="name"/> (id = <see cref="SweepIds.FromName"/>) with one queued
    /// trial per entry of <paramref name="trialAxesJson"/> (each a JSON object: axis path → value),
    /// numbered from 0. Idempotent: when the sweep exists with the same spec (JSON-equal) and the same
    /// trials, nothing changes — finished and running trials are kept — except that with
    /// <paramref name="retryFailed"/> its failed trials are queued again (attempts, run and error
    /// cleared). An existing sweep with a different spec or trials is a <see cref="StoreException"/>:
    /// use another name (or delete the old sweep).
    /// </summary>
    SweepInfo CreateSweep(string name, string specJson, IReadOnlyList<string> trialAxesJson, bool retryFailed = false);

    /// <summary>The sweep with this id (or the id derived from this name), or null.</summary>
    SweepInfo? GetSweep(string sweepId);

    /// <summary>All sweeps, oldest first.</summary>
    IReadOnlyList<SweepInfo> ListSweeps();

    /// <summary>The sweep's trials in trial order (empty for an unknown sweep).</summary>
    IReadOnlyList<TrialInfo> ListTrials(string sweepId);

    /// <summary>
    /// Atomically takes the first (oldest sweep, lowest trial number) queued trial of
    /// <paramref name="sweepId"/> (null: of any sweep), or a running trial whose lease has expired
    /// (its worker died or hung): status running, worker <paramref name="workerId"/>, lease until
    /// now + <paramref name="lease"/>, attempts + 1. An expired trial that has already been claimed
    /// <paramref name="maxAttempts"/> times is marked failed instead (its runs keep killing their
    /// workers). Null when there is nothing to claim. Concurrent claimers never get the same trial.
    /// </summary>
    TrialInfo? ClaimTrial(string? sweepId, string workerId, TimeSpan lease, int maxAttempts = SweepIds.DefaultMaxAttempts);

    /// <summary>
    /// Extends the lease to now + <paramref name="lease"/>. False when the worker no longer holds the
    /// trial (it expired and another worker claimed it, or it was finished): stop working on it.
    /// </summary>
    bool RenewLease(string sweepId, int trial, string workerId, TimeSpan lease);

    /// <summary>Records the trial's run (so that a later claim resumes it). False when the worker no longer holds the trial.</summary>
    bool AttachRun(string sweepId, int trial, string workerId, string runId);

    /// <summary>
    /// Ends the trial with a terminal status (completed, diverged or failed), its run and an optional
    /// error. False (and nothing changed) when the worker no longer holds the trial.
    /// </summary>
    bool FinishTrial(string sweepId, int trial, string workerId, TrialStatus status, string? runId, string? error = null);

    /// <summary>Puts a trial the worker holds back in the queue at once (e.g. on Ctrl-C), keeping its run. False when it no longer holds it.</summary>
    bool ReleaseTrial(string sweepId, int trial, string workerId);
}
