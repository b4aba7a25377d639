using System.Data.Common;
using System.Text.Json;

namespace Gradscope.Lab.Store;

/// <summary>
/// <see cref="IRunStore"/> over one ADO.NET connection with portable SQL only (named
/// <c>@parameters</c>, <c>substr</c>, <c>LIMIT</c>, <c>COALESCE</c>: SQLite and PostgreSQL alike),
/// so a PostgreSQL store is a subclass that opens an Npgsql connection and says which errors
/// are transient. Every write is one transaction, retried as a whole on a transient error
/// (the database busy or locked by another process) with exponential back-off.
/// </summary>
internal abstract partial class SqlRunStore : IRunStore
{
    private const string RunColumns =
        "id, name, spec, status, seed, dtype, created_at, started_at, finished_at, steps_done, error, summary";

    private const int MaxAttempts = 8;
    private const int MaxIdAttempts = 16;

    private readonly string _runsRoot;
    private bool _disposed;

    /// <param name="location">What the user named (shown in messages).</param>
    /// <param name="runsRoot">Folder that holds one sub-folder per run.</param>
    protected SqlRunStore(string location, string runsRoot)
    {
        Location = location;
        _runsRoot = Path.GetFullPath(runsRoot);
    }

    public string Location { get; }

    public string FilesRoot => _runsRoot;

    /// <summary>The open connection this store uses for everything.</summary>
    protected internal abstract DbConnection Connection { get; }

    /// <summary>Clock for timestamps and run ids (tests replace it).</summary>
    internal TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Source of the 16-bit run-id suffix (tests replace it to force collisions).</summary>
    internal Func<int> RandomSuffix { get; set; } = RunIds.RandomSuffix;

    /// <summary>Errors worth retrying: the database busy or locked by another connection, a serialisation failure.</summary>
    protected internal abstract bool IsTransient(DbException error);

    /// <summary>A primary-key or unique constraint violation (a run-id collision).</summary>
    protected abstract bool IsUniqueViolation(DbException error);

    /// <summary>Starts a write transaction; SQLite takes the write lock at BEGIN (IMMEDIATE) to avoid upgrade deadlocks.</summary>
    protected internal virtual DbTransaction BeginWriteTransaction() => Connection.BeginTransaction();

    /// <summary>
    /// True when a failed COMMIT may nevertheless have been applied (the connection was lost while
    /// waiting for the answer): such a transaction is not retried, since running it again could
    /// duplicate what it wrote. SQLite knows the outcome of every COMMIT.
    /// </summary>
    protected virtual bool CommitOutcomeUnknown(DbException error) => false;

    /// <summary>Called before every attempt of a database operation: a network store reopens a lost connection here (cheap when it is open).</summary>
    protected virtual void Recover()
    {
    }

    /// <summary>
    /// <paramref name="column"/> as an ORDER BY term that sorts text by code point (ordinal), as SQLite's
    /// BINARY collation does; PostgreSQL adds <c>COLLATE "C"</c> when the database's collation is another.
    /// </summary>
    protected virtual string Ordinal(string column) => column;

    /// <summary>Creates the schema_version table (PostgreSQL: under the migration lock, since concurrent CREATE TABLE IF NOT EXISTS can race).</summary>
    protected virtual void CreateVersionTable() => Retry(() =>
    {
        using var create = Command(StoreMigrations.CreateVersionTable);
        create.ExecuteNonQuery();
    });

    /// <summary>Serialises migrations between processes (SQLite: the write transaction already does; PostgreSQL: an advisory lock).</summary>
    protected virtual void LockForMigration(DbTransaction tx)
    {
    }

    /// <summary>
    /// The locking clause that makes a SELECT inside a write transaction claim the rows it returns:
    /// empty for SQLite (BEGIN IMMEDIATE already holds the database's write lock),
    /// <c>FOR UPDATE OF t SKIP LOCKED</c> for PostgreSQL (claimers pass over each other's rows).
    /// </summary>
    protected virtual string ClaimLockClause(string alias) => "";

    // ---- schema ----

    /// <summary>Brings the schema up to <see cref="StoreMigrations.LatestVersion"/>; safe when several processes open a new store at once.</summary>
    protected void Migrate()
    {
        int latest = StoreMigrations.LatestVersion;
        CreateVersionTable();
        if (CurrentSchemaVersion(null) == latest)
        {
            return; // the common case takes no write lock
        }
        InTransaction(tx =>
        {
            // Re-read under the write lock: another process may have migrated meanwhile.
            LockForMigration(tx);
            int current = CurrentSchemaVersion(tx);
            foreach (var (version, name, sql) in StoreMigrations.Scripts)
            {
                if (version <= current)
                {
                    continue;
                }
                using (var apply = Command(sql, tx))
                {
                    apply.ExecuteNonQuery();
                }
                using var record = Command("INSERT INTO schema_version (version, applied_at) VALUES (@v, @t)", tx);
                Add(record, "@v", version);
                Add(record, "@t", Now());
                record.ExecuteNonQuery();
            }
            return 0;
        });
    }

    private int CurrentSchemaVersion(DbTransaction? tx)
    {
        using var cmd = Command("SELECT COALESCE(MAX(version), 0) FROM schema_version", tx);
        int current = Convert.ToInt32(Retry(() => cmd.ExecuteScalar()), System.Globalization.CultureInfo.InvariantCulture);
        if (current > StoreMigrations.LatestVersion)
        {
            throw new StoreException(
                $"store {Location} has schema version {current}, newer than this Gradscope understands ({StoreMigrations.LatestVersion}); use a newer Gradscope");
        }
        return current;
    }

    /// <summary>The schema version recorded in the store.</summary>
    public int SchemaVersion => CurrentSchemaVersion(null);

    // ---- runs ----

    public RunInfo CreateRun(string name, string specJson, long seed, string dtype)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrEmpty(dtype);
        StoreValues.RequireJson(specJson, nameof(specJson));
        for (int attempt = 0; ; attempt++)
        {
            var now = Clock.GetUtcNow();
            string id = RunIds.New(name, now, RandomSuffix());
            try
            {
                InTransaction(tx =>
                {
                    using var cmd = Command(
                        "INSERT INTO runs (id, name, spec, status, seed, dtype, created_at, steps_done) " +
                        "VALUES (@id, @name, @spec, @status, @seed, @dtype, @created, 0)", tx);
                    Add(cmd, "@id", id);
                    Add(cmd, "@name", name);
                    Add(cmd, "@spec", specJson);
                    Add(cmd, "@status", RunStatus.Created.ToName());
                    Add(cmd, "@seed", seed);
                    Add(cmd, "@dtype", dtype);
                    Add(cmd, "@created", StoreValues.FormatTimestamp(now));
                    return cmd.ExecuteNonQuery();
                });
            }
            catch (DbException e) when (IsUniqueViolation(e) && attempt + 1 < MaxIdAttempts)
            {
                continue; // same second, same name, same 16 random bits: draw again
            }
            Directory.CreateDirectory(PathOf(id));
            return GetRun(id) ?? throw new InvalidOperationException($"run {id} vanished right after it was created");
        }
    }

    public void SetStatus(string runId, RunStatus status, string? error = null) =>
        UpdateRun(runId, "status = @status, error = @error", cmd =>
        {
            Add(cmd, "@status", status.ToName());
            Add(cmd, "@error", error);
        });

    public void MarkStarted(string runId) =>
        UpdateRun(runId, "status = @status, started_at = COALESCE(started_at, @now), finished_at = NULL, error = NULL", cmd =>
        {
            Add(cmd, "@status", RunStatus.Running.ToName());
            Add(cmd, "@now", Now());
        });

    public void UpdateProgress(string runId, long stepsDone) =>
        UpdateRun(runId, "steps_done = @steps", cmd => Add(cmd, "@steps", stepsDone));

    public void MarkFinished(string runId, RunStatus status, long stepsDone, string? error = null)
    {
        if (!status.IsTerminal())
        {
            throw new ArgumentException($"a finished run's status must be completed, diverged, failed or stopped, not {status.ToName()}", nameof(status));
        }
        UpdateRun(runId, "status = @status, finished_at = @now, steps_done = @steps, error = @error", cmd =>
        {
            Add(cmd, "@status", status.ToName());
            Add(cmd, "@now", Now());
            Add(cmd, "@steps", stepsDone);
            Add(cmd, "@error", error);
        });
    }

    public void UpdateSummary(string runId, string summaryJson)
    {
        StoreValues.RequireJson(summaryJson, nameof(summaryJson), JsonValueKind.Object);
        UpdateRun(runId, "summary = @summary", cmd => Add(cmd, "@summary", summaryJson));
    }

    public RunInfo? GetRun(string idOrPrefix)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrPrefix);
        string key = idOrPrefix.Trim();
        if (key == "last")
        {
            return QueryRuns($"ORDER BY {Ordinal("created_at")} DESC, {Ordinal("id")} DESC LIMIT 1", _ => { }).FirstOrDefault();
        }
        var exact = QueryRuns("WHERE id = @id", cmd => Add(cmd, "@id", key));
        if (exact.Count == 1)
        {
            return exact[0];
        }
        var matches = QueryRuns($"WHERE substr(id, 1, @n) = @prefix ORDER BY {Ordinal("id")} LIMIT 11", cmd =>
        {
            Add(cmd, "@n", key.Length);
            Add(cmd, "@prefix", key);
        });
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new StoreException(
                $"run id prefix '{key}' is ambiguous; it matches {string.Join(", ", matches.Take(10).Select(r => r.Id))}{(matches.Count > 10 ? ", ..." : "")}"),
        };
    }

    public RunInfo ResolveRun(string idOrPrefix) =>
        GetRun(idOrPrefix) ?? throw new StoreException($"no run '{idOrPrefix.Trim()}' in store {Location} (see `gradscope runs`)");

    public IReadOnlyList<RunInfo> ListRuns()
    {
        ThrowIfDisposed();
        return QueryRuns($"ORDER BY {Ordinal("created_at")}, {Ordinal("id")}", _ => { });
    }

    public string RunDirectory(string runId)
    {
        ThrowIfDisposed();
        string dir = PathOf(runId);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public bool DeleteRun(string runId)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(runId);
        int deleted = InTransaction(tx =>
        {
            foreach (string table in (string[])["metrics", "metric_vectors"])
            {
                using var rows = Command($"DELETE FROM {table} WHERE run = @run", tx);
                Add(rows, "@run", runId);
                rows.ExecuteNonQuery();
            }
            using var run = Command("DELETE FROM runs WHERE id = @run", tx);
            Add(run, "@run", runId);
            return run.ExecuteNonQuery();
        });
        string dir = PathOf(runId);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
        return deleted > 0;
    }

    // ---- metrics ----

    public long DeleteMetricsAfter(string runId, long step)
    {
        ThrowIfDisposed();
        RequireRun(runId);
        return InTransaction(tx =>
        {
            long n = 0;
            foreach (string table in (string[])["metrics", "metric_vectors"])
            {
                using var cmd = Command($"DELETE FROM {table} WHERE run = @run AND step > @step", tx);
                Add(cmd, "@run", runId);
                Add(cmd, "@step", step);
                n += cmd.ExecuteNonQuery();
            }
            return n;
        });
    }

    public MetricWriter OpenMetricWriter(string runId, int batchSize = MetricWriter.DefaultBatchSize, bool background = true)
    {
        ThrowIfDisposed();
        RequireRun(runId);
        return CreateMetricWriter(runId, batchSize, background);
    }

    /// <summary>The backend's writer (SQLite: prepared statements on a connection of its own; PostgreSQL: COPY where it pays).</summary>
    protected abstract MetricWriter CreateMetricWriter(string runId, int batchSize, bool background);

    public IEnumerable<MetricRow> ReadMetrics(string runId, IReadOnlyCollection<string>? names = null)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return Stream(runId, names);

        IEnumerable<MetricRow> Stream(string run, IReadOnlyCollection<string>? filter)
        {
            Recover();
            using var cmd = Command($"SELECT step, time, name, value FROM metrics WHERE run = @run{NameFilter(filter)} ORDER BY {Ordinal("name")}, step");
            Add(cmd, "@run", run);
            AddNames(cmd, filter);
            using var r = cmd.ExecuteReader();
            string last = "";
            while (r.Read())
            {
                // One string per metric name rather than one per row: rows of a name are contiguous.
                string name = r.GetString(2);
                if (name == last)
                {
                    name = last;
                }
                last = name;
                yield return new MetricRow(r.GetInt64(0), StoreValues.DoubleOrNaN(r, 1), name, StoreValues.DoubleOrNaN(r, 3));
            }
        }
    }

    public IReadOnlyList<string> MetricNames(string runId)
    {
        ThrowIfDisposed();
        // GROUP BY rather than DISTINCT: PostgreSQL's DISTINCT cannot be ordered by a COLLATE expression.
        using var cmd = Command($"SELECT name FROM metrics WHERE run = @run GROUP BY name ORDER BY {Ordinal("name")}");
        Add(cmd, "@run", runId);
        return Retry(() =>
        {
            var names = new List<string>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                names.Add(r.GetString(0));
            }
            return names;
        });
    }

    public void AppendVector(string runId, long step, double time, string name, ReadOnlySpan<double> values)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(name);
        RequireRun(runId);
        var row = new VectorRow(step, time, name, values.ToArray());
        InTransaction(tx =>
        {
            using var cmd = VectorInsert(tx);
            BindVector(cmd, runId, row);
            return cmd.ExecuteNonQuery();
        });
    }

    public IReadOnlyList<VectorRow> ReadVectors(string runId, IReadOnlyCollection<string>? names = null)
    {
        ThrowIfDisposed();
        using var cmd = Command($"SELECT step, time, name, values_json FROM metric_vectors WHERE run = @run{NameFilter(names)} ORDER BY {Ordinal("name")}, step");
        Add(cmd, "@run", runId);
        AddNames(cmd, names);
        return Retry(() =>
        {
            var rows = new List<VectorRow>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                rows.Add(new VectorRow(r.GetInt64(0), StoreValues.DoubleOrNaN(r, 1), r.GetString(2), StoreValues.VectorFromJson(r.GetString(3))));
            }
            return rows;
        });
    }

    internal DbCommand VectorInsert(DbTransaction? tx) =>
        Command("INSERT INTO metric_vectors (run, step, time, name, values_json) VALUES (@run, @step, @time, @name, @values)", tx);

    internal static void BindVector(DbCommand cmd, string runId, VectorRow row)
    {
        cmd.Parameters.Clear();
        Add(cmd, "@run", runId);
        Add(cmd, "@step", row.Step);
        Add(cmd, "@time", StoreValues.ToDb(row.Time));
        Add(cmd, "@name", row.Name);
        Add(cmd, "@values", StoreValues.VectorToJson(row.Values));
    }

    // ---- plumbing ----

    private static string NameFilter(IReadOnlyCollection<string>? names) =>
        names is null || names.Count == 0 ? "" : $" AND name IN ({string.Join(", ", Enumerable.Range(0, names.Count).Select(i => $"@name{i}"))})";

    private static void AddNames(DbCommand cmd, IReadOnlyCollection<string>? names)
    {
        int i = 0;
        foreach (string n in names ?? [])
        {
            Add(cmd, $"@name{i++}", n);
        }
    }

    private List<RunInfo> QueryRuns(string tail, Action<DbCommand> bind)
    {
        using var cmd = Command($"SELECT {RunColumns} FROM runs {tail}");
        bind(cmd);
        return Retry(() =>
        {
            var runs = new List<RunInfo>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                string id = r.GetString(0);
                runs.Add(new RunInfo(
                    id,
                    r.GetString(1),
                    r.GetString(2),
                    RunStatusNames.Parse(r.GetString(3)),
                    r.GetInt64(4),
                    r.GetString(5),
                    StoreValues.ParseTimestamp(r.GetString(6)),
                    r.IsDBNull(7) ? null : StoreValues.ParseTimestamp(r.GetString(7)),
                    r.IsDBNull(8) ? null : StoreValues.ParseTimestamp(r.GetString(8)),
                    r.GetInt64(9),
                    r.IsDBNull(10) ? null : r.GetString(10),
                    r.IsDBNull(11) ? null : r.GetString(11),
                    PathOf(id)));
            }
            return runs;
        });
    }

    private void UpdateRun(string runId, string assignments, Action<DbCommand> bind)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(runId);
        int n = InTransaction(tx =>
        {
            using var cmd = Command($"UPDATE runs SET {assignments} WHERE id = @id", tx);
            bind(cmd);
            Add(cmd, "@id", runId);
            return cmd.ExecuteNonQuery();
        });
        if (n == 0)
        {
            throw NoSuchRun(runId);
        }
    }

    private void RequireRun(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        using var cmd = Command("SELECT COUNT(*) FROM runs WHERE id = @id");
        Add(cmd, "@id", runId);
        if (Convert.ToInt64(Retry(() => cmd.ExecuteScalar()), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            throw NoSuchRun(runId);
        }
    }

    private StoreException NoSuchRun(string runId) => new($"no run '{runId}' in store {Location}");

    private string PathOf(string runId)
    {
        // Ids come from RunIds (letters, digits, '-'); refuse anything that could leave the store.
        if (runId.Length == 0 || runId.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || runId.Contains("..", StringComparison.Ordinal))
        {
            throw new StoreException($"'{runId}' is not a valid run id");
        }
        return Path.Combine(_runsRoot, runId);
    }

    private string Now() => StoreValues.FormatTimestamp(Clock.GetUtcNow());

    internal DbCommand Command(string sql, DbTransaction? tx = null)
    {
        var cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    internal static DbParameter Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
        return p;
    }

    /// <summary>Runs <paramref name="work"/> in a write transaction, committing it; on a transient error rolls back and runs it again.</summary>
    internal T InTransaction<T>(Func<DbTransaction, T> work) => Retry(() =>
    {
        using var tx = BeginWriteTransaction();
        T result = work(tx);
        try
        {
            tx.Commit();
        }
        catch (DbException e) when (CommitOutcomeUnknown(e))
        {
            throw new StoreException($"lost the connection to store {Location} while committing; the change may or may not have been made ({e.Message})", e);
        }
        return result;
    });

    internal T Retry<T>(Func<T> work)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                Recover(); // a connection lost earlier (PostgreSQL) is reopened before anything is tried on it
                return work();
            }
            catch (DbException e) when (IsTransient(e) && attempt < MaxAttempts)
            {
                // 25 ms, 50 ms, ... capped at 2 s, with jitter so that competing writers spread out.
                int ms = (int)Math.Min(2000, 25 * Math.Pow(2, attempt - 1));
                Thread.Sleep(ms / 2 + System.Random.Shared.Next(ms / 2 + 1));
            }
        }
    }

    internal void Retry(Action work) => Retry(() =>
    {
        work();
        return 0;
    });

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the connection (subclasses dispose it here).</summary>
    protected abstract void Dispose(bool disposing);
}
