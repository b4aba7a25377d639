using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Gradscope.Lab.Store;

/// <summary>
/// The SQLite writer: its own connection to the store (so the background thread never shares
/// one with the trainer's status updates) and one prepared INSERT re-bound per row through
/// SQLitePCLRaw's sqlite3_bind_* by position. ADO.NET's SqliteCommand costs several times
/// more per row (parameters looked up by name and boxed on every execution); at W1's 60,000
/// rows that difference is most of the logging budget (docs/performance.md, "Store").
/// Same SQL and value conventions as the rest of the store: NaN is bound as NULL.
/// </summary>
internal sealed class SqliteMetricWriter : MetricWriter
{
    private const string InsertMetric = "INSERT INTO metrics (run, step, time, name, value) VALUES (?1, ?2, ?3, ?4, ?5)";
    private const string InsertVector = "INSERT INTO metric_vectors (run, step, time, name, values_json) VALUES (?1, ?2, ?3, ?4, ?5)";

    private readonly SqliteRunStore _store;
    private readonly SqliteConnection _connection;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _metric;
    private readonly sqlite3_stmt _vector;
    private readonly byte[] _runUtf8;
    private readonly Dictionary<string, byte[]> _names = new(StringComparer.Ordinal);

    public SqliteMetricWriter(SqliteRunStore store, string runId, int batchSize, bool background)
        : base(runId, batchSize, background)
    {
        _store = store;
        _connection = store.OpenExtraConnection();
        try
        {
            _db = _connection.Handle ?? throw new InvalidOperationException("SQLite connection has no handle");
            _metric = Prepare(InsertMetric);
            _vector = Prepare(InsertVector);
        }
        catch
        {
            _metric?.Dispose();
            _connection.Dispose();
            throw;
        }
        _runUtf8 = Encoding.UTF8.GetBytes(runId);
        Start();
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db, sql, out var stmt));
        return stmt;
    }

    protected override void WriteBatch(ReadOnlyMemory<MetricRow> rows, IReadOnlyList<VectorRow> vectors)
    {
        _store.Retry(() =>
        {
            Check(raw.sqlite3_exec(_db, "BEGIN IMMEDIATE"));
            try
            {
                InsertRows(rows.Span);
                InsertVectors(vectors);
                Check(raw.sqlite3_exec(_db, "COMMIT"));
            }
            catch
            {
                raw.sqlite3_reset(_metric);
                raw.sqlite3_reset(_vector);
                raw.sqlite3_exec(_db, "ROLLBACK"); // fails harmlessly if SQLite already rolled back
                throw;
            }
        });
    }

    private void InsertRows(ReadOnlySpan<MetricRow> rows)
    {
        var st = _metric;
        Check(raw.sqlite3_bind_text(st, 1, _runUtf8));
        foreach (ref readonly var r in rows)
        {
            raw.sqlite3_bind_int64(st, 2, r.Step);
            BindDouble(st, 3, r.Time);
            raw.sqlite3_bind_text(st, 4, Utf8(r.Name));
            BindDouble(st, 5, r.Value);
            Step(st);
        }
    }

    private void InsertVectors(IReadOnlyList<VectorRow> vectors)
    {
        var st = _vector;
        foreach (var v in vectors)
        {
            Check(raw.sqlite3_bind_text(st, 1, _runUtf8));
            raw.sqlite3_bind_int64(st, 2, v.Step);
            BindDouble(st, 3, v.Time);
            raw.sqlite3_bind_text(st, 4, Utf8(v.Name));
            raw.sqlite3_bind_text(st, 5, StoreValues.VectorToJson(v.Values));
            Step(st);
        }
    }

    private static void BindDouble(sqlite3_stmt st, int index, double v)
    {
        if (double.IsNaN(v))
        {
            raw.sqlite3_bind_null(st, index); // SQLite cannot hold NaN: NULL stands for it
        }
        else
        {
            raw.sqlite3_bind_double(st, index, v);
        }
    }

    private void Step(sqlite3_stmt st)
    {
        int rc = raw.sqlite3_step(st);
        raw.sqlite3_reset(st);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }
    }

    private byte[] Utf8(string name)
    {
        ref var bytes = ref CollectionsMarshal.GetValueRefOrAddDefault(_names, name, out bool exists);
        if (!exists)
        {
            bytes = Encoding.UTF8.GetBytes(name);
        }
        return bytes!;
    }

    /// <summary>Turns a SQLite result code into the provider's exception (so busy/locked errors are retried).</summary>
    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _metric.Dispose();
            _vector.Dispose();
            _connection.Dispose();
        }
    }
}
