namespace Gradscope.Lab.Store;

/// <summary>
/// Where runs, their metrics and their files live. One implementation per backend over the
/// same schema (Migrations/*.sql): <see cref="SqliteRunStore"/> for a directory store (the
/// default, <c>./runs</c>), <see cref="PostgresRunStore"/> for a <c>postgres://</c> URL (sweeps
/// across machines). Both also hold the sweeps' trial queue (<see cref="ISweepStore"/>).
/// Obtain one with <see cref="RunStore.Open"/>.
/// An instance holds one database connection and is not thread-safe: give each thread or
/// process its own (they may all point at the same store: writers queue on the database lock).
/// </summary>
public interface IRunStore : ISweepStore, IDisposable
{
    /// <summary>The resolved location: a directory path or a database URL.</summary>
    string Location { get; }

    /// <summary>
    /// The local directory holding one folder per run (checkpoints, plots): the store directory
    /// itself for SQLite; for a PostgreSQL URL <c>?files=DIR</c>, else <c>GRADSCOPE_RUN_DIR</c>,
    /// else <c>./runs-files</c> (absolute).
    /// </summary>
    string FilesRoot { get; }

    /// <summary>
    /// Inserts a run with status <see cref="RunStatus.Created"/> and a fresh unique id, and
    /// creates its folder. <paramref name="specJson"/> must be valid JSON (the resolved spec).
    /// </summary>
    RunInfo CreateRun(string name, string specJson, long seed, string dtype);

    /// <summary>Sets the status (and error text, cleared when null) without touching timings.</summary>
    void SetStatus(string runId, RunStatus status, string? error = null);

    /// <summary>
    /// Status running; <c>started_at</c> = now on the first start (a resumed run keeps its
    /// original start); clears <c>finished_at</c> and <c>error</c>.
    /// </summary>
    void MarkStarted(string runId);

    /// <summary>Records progress (<c>steps_done</c>) of a running run, e.g. at each checkpoint.</summary>
    void UpdateProgress(string runId, long stepsDone);

    /// <summary>Terminal status (completed|diverged|failed|stopped), <c>finished_at</c> = now, steps done, error.</summary>
    void MarkFinished(string runId, RunStatus status, long stepsDone, string? error = null);

    /// <summary>Replaces the run's summary: a small JSON object (e.g. <c>{"theory/agreement": 3.1e-5}</c>).</summary>
    void UpdateSummary(string runId, string summaryJson);

    /// <summary>
    /// The run whose id is <paramref name="idOrPrefix"/>, or whose id is the only one starting
    /// with it, or the newest run for the literal <c>last</c>; null when nothing matches.
    /// Throws <see cref="StoreException"/> when a prefix matches several runs (naming them).
    /// </summary>
    RunInfo? GetRun(string idOrPrefix);

    /// <summary>As <see cref="GetRun"/>, but a <see cref="StoreException"/> naming the store when nothing matches.</summary>
    RunInfo ResolveRun(string idOrPrefix);

    /// <summary>All runs, oldest first.</summary>
    IReadOnlyList<RunInfo> ListRuns();

    /// <summary>The run's folder for checkpoints and plots (created if missing).</summary>
    string RunDirectory(string runId);

    /// <summary>Deletes a run: its row, metrics, vectors and folder. False when there was no such run.</summary>
    bool DeleteRun(string runId);

    /// <summary>
    /// For resume: removes the run's metric and vector records with step &gt; <paramref name="step"/>
    /// (those logged after the checkpoint being resumed from), so continuing duplicates nothing.
    /// Returns the number of records removed.
    /// </summary>
    long DeleteMetricsAfter(string runId, long step);

    /// <summary>
    /// A buffered writer for the run's metrics: rows go to the database in one transaction every
    /// <paramref name="batchSize"/> rows, every few seconds, and on Flush/Dispose; with
    /// <paramref name="background"/> the batches are written by a thread of the writer's own
    /// while the caller goes on. Dispose the writer before the store.
    /// </summary>
    MetricWriter OpenMetricWriter(string runId, int batchSize = MetricWriter.DefaultBatchSize, bool background = true);

    /// <summary>
    /// The run's scalar metrics ordered by name (ordinal), then step.
    /// <paramref name="names"/> null or empty: all names. Streams: enumerate before the next call on this store.
    /// </summary>
    IEnumerable<MetricRow> ReadMetrics(string runId, IReadOnlyCollection<string>? names = null);

    /// <summary>The distinct scalar metric names of the run, in ordinal order.</summary>
    IReadOnlyList<string> MetricNames(string runId);

    /// <summary>Stores one vector record at once (for rare records; <see cref="MetricWriter.AppendVector"/> batches).</summary>
    void AppendVector(string runId, long step, double time, string name, ReadOnlySpan<double> values);

    /// <summary>The run's vector records ordered by name, then step. <paramref name="names"/> as in <see cref="ReadMetrics"/>.</summary>
    IReadOnlyList<VectorRow> ReadVectors(string runId, IReadOnlyCollection<string>? names = null);
}
