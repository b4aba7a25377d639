using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gradscope.Lab.Store;

/// <summary>
/// The trial queue (<see cref="ISweepStore"/>) over the same portable SQL on every backend; only the
/// claim's locking differs. SQLite: the write transaction starts with BEGIN IMMEDIATE, so a claim
/// holds the database's write lock from its SELECT to its COMMIT (other claimers wait in the busy
/// timeout, then retry). PostgreSQL: <c>SELECT ... FOR UPDATE OF t SKIP LOCKED</c> in a READ
/// COMMITTED transaction, so concurrent claimers lock different rows without waiting for each other.
/// </summary>
internal abstract partial class SqlRunStore : ISweepStore
{
    private const string TrialColumns = "sweep, trial, status, axes, run, worker, lease_until, attempts, error, updated_at";

    public SweepInfo CreateSweep(string name, string specJson, IReadOnlyList<string> trialAxesJson, bool retryFailed = false)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(trialAxesJson);
        StoreValues.RequireJson(specJson, nameof(specJson));
        for (int i = 0; i < trialAxesJson.Count; i++)
        {
            StoreValues.RequireJson(trialAxesJson[i], $"{nameof(trialAxesJson)}[{i}]", JsonValueKind.Object);
        }
        string id = SweepIds.FromName(name);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                InTransaction(tx => CreateOrCheckSweep(tx, id, name, specJson, trialAxesJson, retryFailed));
                break;
            }
            catch (DbException e) when (IsUniqueViolation(e) && attempt == 0)
            {
                // PostgreSQL: another process inserted the same sweep between our SELECT and INSERT; now it exists.
            }
        }
        return GetSweep(id) ?? throw new InvalidOperationException($"sweep {id} vanished right after it was created");
    }

    private int CreateOrCheckSweep(DbTransaction tx, string id, string name, string specJson, IReadOnlyList<string> trials, bool retryFailed)
    {
        string now = Now();
        string? existingSpec;
        using (var find = Command("SELECT spec FROM sweeps WHERE id = @id", tx))
        {
            Add(find, "@id", id);
            existingSpec = find.ExecuteScalar() as string;
        }
        if (existingSpec is null)
        {
            using (var insert = Command("INSERT INTO sweeps (id, name, spec, created_at, updated_at) VALUES (@id, @name, @spec, @now, @now)", tx))
            {
                Add(insert, "@id", id);
                Add(insert, "@name", name);
                Add(insert, "@spec", specJson);
                Add(insert, "@now", now);
                insert.ExecuteNonQuery();
            }
            using var trial = Command(
                "INSERT INTO trials (sweep, trial, status, axes, attempts, created_at, updated_at) VALUES (@sweep, @trial, 'queued', @axes, 0, @now, @now)", tx);
            var pSweep = Add(trial, "@sweep", id);
            var pTrial = Add(trial, "@trial", 0);
            var pAxes = Add(trial, "@axes", "");
            Add(trial, "@now", now);
            for (int i = 0; i < trials.Count; i++)
            {
                pTrial.Value = i;
                pAxes.Value = trials[i];
                trial.ExecuteNonQuery();
            }
            return trials.Count;
        }

        // The sweep exists: it must be the same sweep.
        if (!JsonNode.DeepEquals(JsonNode.Parse(existingSpec), JsonNode.Parse(specJson)))
        {
            throw new StoreException($"sweep '{id}' already exists in store {Location} with a different spec; give the new sweep another name");
        }
        var stored = new List<string>();
        using (var list = Command($"SELECT axes FROM trials WHERE sweep = @id ORDER BY trial", tx))
        {
            Add(list, "@id", id);
            using var r = list.ExecuteReader();
            while (r.Read())
            {
                stored.Add(r.GetString(0));
            }
        }
        if (stored.Count != trials.Count)
        {
            throw new StoreException($"sweep '{id}' already exists in store {Location} with {stored.Count} trials, not {trials.Count}; give the new sweep another name");
        }
        for (int i = 0; i < stored.Count; i++)
        {
            if (!JsonNode.DeepEquals(JsonNode.Parse(stored[i]), JsonNode.Parse(trials[i])))
            {
                throw new StoreException($"sweep '{id}' already exists in store {Location} and its trial {i} has axes {stored[i]}, not {trials[i]}; give the new sweep another name");
            }
        }
        if (!retryFailed)
        {
            return 0;
        }
        using var retry = Command(
            "UPDATE trials SET status = 'queued', run = NULL, worker = NULL, lease_until = NULL, attempts = 0, error = NULL, updated_at = @now " +
            "WHERE sweep = @id AND status = 'failed'", tx);
        Add(retry, "@id", id);
        Add(retry, "@now", now);
        int requeued = retry.ExecuteNonQuery();
        if (requeued > 0)
        {
            TouchSweep(tx, id, now);
        }
        return requeued;
    }

    public SweepInfo? GetSweep(string sweepId)
    {
        ThrowIfDisposed();
        string id = SweepIds.FromName(sweepId);
        return QuerySweeps("WHERE id = @id", cmd => Add(cmd, "@id", id)).FirstOrDefault();
    }

    public IReadOnlyList<SweepInfo> ListSweeps()
    {
        ThrowIfDisposed();
        return QuerySweeps($"ORDER BY {Ordinal("created_at")}, {Ordinal("id")}", _ => { });
    }

    private List<SweepInfo> QuerySweeps(string tail, Action<DbCommand> bind)
    {
        var rows = new List<(string Id, string Name, string Spec, string Created, string Updated)>();
        using (var cmd = Command($"SELECT id, name, spec, created_at, updated_at FROM sweeps {tail}"))
        {
            bind(cmd);
            Retry(() =>
            {
                rows.Clear();
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    rows.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)));
                }
            });
        }
        var counts = new Dictionary<(string, TrialStatus), int>();
        if (rows.Count > 0)
        {
            string filter = rows.Count == 1 ? "WHERE sweep = @id " : "";
            using var cmd = Command($"SELECT sweep, status, COUNT(*) FROM trials {filter}GROUP BY sweep, status");
            if (rows.Count == 1)
            {
                Add(cmd, "@id", rows[0].Id);
            }
            Retry(() =>
            {
                counts.Clear();
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    counts[(r.GetString(0), TrialStatusNames.Parse(r.GetString(1)))] = Convert.ToInt32(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
                }
            });
        }
        return rows.Select(s =>
        {
            int Count(TrialStatus st) => counts.GetValueOrDefault((s.Id, st));
            int queued = Count(TrialStatus.Queued), running = Count(TrialStatus.Running), completed = Count(TrialStatus.Completed),
                diverged = Count(TrialStatus.Diverged), failed = Count(TrialStatus.Failed);
            return new SweepInfo(s.Id, s.Name, s.Spec, StoreValues.ParseTimestamp(s.Created), StoreValues.ParseTimestamp(s.Updated),
                queued + running + completed + diverged + failed, queued, running, completed, diverged, failed);
        }).ToList();
    }

    public IReadOnlyList<TrialInfo> ListTrials(string sweepId)
    {
        ThrowIfDisposed();
        string id = SweepIds.FromName(sweepId);
        using var cmd = Command($"SELECT {TrialColumns} FROM trials WHERE sweep = @id ORDER BY trial");
        Add(cmd, "@id", id);
        return Retry(() => ReadTrials(cmd));
    }

    public TrialInfo? ClaimTrial(string? sweepId, string workerId, TimeSpan lease, int maxAttempts = SweepIds.DefaultMaxAttempts)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        RequirePositive(lease);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        string? id = sweepId is null ? null : SweepIds.FromName(sweepId);
        return InTransaction(tx =>
        {
            var nowTime = Clock.GetUtcNow();
            string now = StoreValues.FormatTimestamp(nowTime);
            using var find = Command(
                "SELECT t.sweep, t.trial, t.status, t.attempts, t.worker FROM trials t JOIN sweeps s ON s.id = t.sweep " +
                $"WHERE (t.status = 'queued' OR (t.status = 'running' AND {Ordinal("t.lease_until")} < @now))" +
                (id is null ? "" : " AND t.sweep = @sweep") +
                $" ORDER BY {Ordinal("s.created_at")}, {Ordinal("t.sweep")}, t.trial LIMIT 1 {ClaimLockClause("t")}", tx);
            Add(find, "@now", now);
            if (id is not null)
            {
                Add(find, "@sweep", id);
            }
            // Expired trials past the attempt limit are failed here, then the search goes on.
            while (true)
            {
                string sweep, status;
                int trial, attempts;
                string? previous;
                using (var r = find.ExecuteReader())
                {
                    if (!r.Read())
                    {
                        return null;
                    }
                    (sweep, trial, status, attempts, previous) = (r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4));
                }
                if (status == "running" && attempts >= maxAttempts)
                {
                    using var fail = Command(
                        "UPDATE trials SET status = 'failed', lease_until = NULL, error = @error, updated_at = @now WHERE sweep = @sweep AND trial = @trial", tx);
                    Add(fail, "@error", $"gave up after {attempts} attempts: the lease of worker {previous} expired (the worker died or hung)");
                    Add(fail, "@now", now);
                    Add(fail, "@sweep", sweep);
                    Add(fail, "@trial", trial);
                    fail.ExecuteNonQuery();
                    TouchSweep(tx, sweep, now);
                    continue;
                }
                using (var claim = Command(
                    "UPDATE trials SET status = 'running', worker = @worker, lease_until = @until, attempts = attempts + 1, updated_at = @now " +
                    "WHERE sweep = @sweep AND trial = @trial", tx))
                {
                    Add(claim, "@worker", workerId);
                    Add(claim, "@until", StoreValues.FormatTimestamp(nowTime + lease));
                    Add(claim, "@now", now);
                    Add(claim, "@sweep", sweep);
                    Add(claim, "@trial", trial);
                    claim.ExecuteNonQuery();
                }
                TouchSweep(tx, sweep, now);
                using var read = Command($"SELECT {TrialColumns} FROM trials WHERE sweep = @sweep AND trial = @trial", tx);
                Add(read, "@sweep", sweep);
                Add(read, "@trial", trial);
                return ReadTrials(read)[0];
            }
        });
    }

    public bool RenewLease(string sweepId, int trial, string workerId, TimeSpan lease)
    {
        RequirePositive(lease);
        return UpdateHeldTrial(sweepId, trial, workerId, "lease_until = @until", (cmd, now) =>
            Add(cmd, "@until", StoreValues.FormatTimestamp(now + lease)), touchSweep: false);
    }

    public bool AttachRun(string sweepId, int trial, string workerId, string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return UpdateHeldTrial(sweepId, trial, workerId, "run = @run", (cmd, _) => Add(cmd, "@run", runId), touchSweep: false);
    }

    public bool FinishTrial(string sweepId, int trial, string workerId, TrialStatus status, string? runId, string? error = null)
    {
        if (!status.IsTerminal())
        {
            throw new ArgumentException($"a finished trial's status must be completed, diverged or failed, not {status.ToName()}", nameof(status));
        }
        return UpdateHeldTrial(sweepId, trial, workerId, "status = @status, run = COALESCE(@run, run), lease_until = NULL, error = @error", (cmd, _) =>
        {
            Add(cmd, "@status", status.ToName());
            Add(cmd, "@run", runId);
            Add(cmd, "@error", error);
        }, touchSweep: true);
    }

    public bool ReleaseTrial(string sweepId, int trial, string workerId) =>
        UpdateHeldTrial(sweepId, trial, workerId, "status = 'queued', worker = NULL, lease_until = NULL", (_, _) => { }, touchSweep: true);

    /// <summary>Updates a trial only while <paramref name="workerId"/> holds it (status running, same worker).</summary>
    private bool UpdateHeldTrial(string sweepId, int trial, string workerId, string assignments, Action<DbCommand, DateTimeOffset> bind, bool touchSweep)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        string id = SweepIds.FromName(sweepId);
        return InTransaction(tx =>
        {
            var nowTime = Clock.GetUtcNow();
            string now = StoreValues.FormatTimestamp(nowTime);
            using var cmd = Command(
                $"UPDATE trials SET {assignments}, updated_at = @now WHERE sweep = @sweep AND trial = @trial AND worker = @worker AND status = 'running'", tx);
            bind(cmd, nowTime);
            Add(cmd, "@now", now);
            Add(cmd, "@sweep", id);
            Add(cmd, "@trial", trial);
            Add(cmd, "@worker", workerId);
            bool held = cmd.ExecuteNonQuery() == 1;
            if (held && touchSweep)
            {
                TouchSweep(tx, id, now);
            }
            return held;
        });
    }

    private void TouchSweep(DbTransaction tx, string sweepId, string now)
    {
        using var cmd = Command("UPDATE sweeps SET updated_at = @now WHERE id = @id", tx);
        Add(cmd, "@now", now);
        Add(cmd, "@id", sweepId);
        cmd.ExecuteNonQuery();
    }

    private static List<TrialInfo> ReadTrials(DbCommand cmd)
    {
        var trials = new List<TrialInfo>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            trials.Add(new TrialInfo(
                r.GetString(0),
                r.GetInt32(1),
                TrialStatusNames.Parse(r.GetString(2)),
                r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : StoreValues.ParseTimestamp(r.GetString(6)),
                r.GetInt32(7),
                r.IsDBNull(8) ? null : r.GetString(8),
                StoreValues.ParseTimestamp(r.GetString(9))));
        }
        return trials;
    }

    private static void RequirePositive(TimeSpan lease)
    {
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "a lease must be positive");
        }
    }
}
