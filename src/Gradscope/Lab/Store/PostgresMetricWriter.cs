using System.Data.Common;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Gradscope.Lab.Store;

/// <summary>How <see cref="PostgresMetricWriter"/> sends a batch of scalar rows.</summary>
internal enum PostgresInsertMode
{
    /// <summary>Binary COPY from <see cref="PostgresMetricWriter.CopyThreshold"/> rows up, multi-row INSERT below.</summary>
    Auto,
    Copy,
    Insert,
}

/// <summary>
/// The PostgreSQL writer: a connection of its own, one transaction per batch. Scalar rows go in by
/// binary <c>COPY metrics FROM STDIN</c> (one round trip, no SQL parsing, doubles in binary) when the
/// batch has at least <see cref="CopyThreshold"/> rows, else by multi-row INSERTs of up to
/// <see cref="InsertChunk"/> rows; vector records (rare) by INSERT. docs/store.md has the measured
/// rates. NaN is written as NULL, as everywhere in the store.
/// </summary>
internal sealed class PostgresMetricWriter : MetricWriter
{
    /// <summary>Rows per multi-row INSERT statement (5 parameters each, well under PostgreSQL's 65,535).</summary>
    public const int InsertChunk = 512;

    private const string Copy = "COPY metrics (run, step, time, name, value) FROM STDIN (FORMAT BINARY)";

    private readonly PostgresRunStore _store;
    private readonly NpgsqlConnection _connection;
    private readonly Dictionary<int, NpgsqlCommand> _inserts = [];

    public PostgresMetricWriter(PostgresRunStore store, string runId, int batchSize, bool background)
        : base(runId, batchSize, background)
    {
        _store = store;
        _connection = PostgresRunStore.OpenConnection(store.Target);
        Start();
    }

    /// <summary>Batches of at least this many rows go by COPY (below it a multi-row INSERT is as fast; see docs/store.md).</summary>
    public int CopyThreshold { get; set; } = 64;

    /// <summary>The server process of the writer's connection (tests end it to check reconnecting).</summary>
    internal int BackendProcessId => _connection.ProcessID;

    /// <summary>For measurements and tests: force COPY or INSERT. Set before the first row.</summary>
    public PostgresInsertMode Mode { get; set; } = PostgresInsertMode.Auto;

    protected override void WriteBatch(ReadOnlyMemory<MetricRow> rows, IReadOnlyList<VectorRow> vectors)
    {
        bool copy = Mode == PostgresInsertMode.Copy || (Mode == PostgresInsertMode.Auto && rows.Length >= CopyThreshold);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                if (_connection.State != System.Data.ConnectionState.Open)
                {
                    PostgresRunStore.Connect(_connection, _store.Target);
                    DropInserts(); // prepared statements died with the old connection
                }
                using var tx = _connection.BeginTransaction();
                if (copy)
                {
                    CopyRows(rows.Span);
                }
                else
                {
                    InsertRows(rows.Span, tx);
                }
                InsertVectors(vectors, tx);
                try
                {
                    tx.Commit();
                }
                catch (NpgsqlException e) when (e is not PostgresException)
                {
                    throw new StoreException(
                        $"lost the connection to store {_store.Location} while committing metrics of run {RunId}; the batch may or may not have been written", e);
                }
                return;
            }
            catch (DbException e) when (PostgresRunStore.IsTransientError(e) && attempt < 8)
            {
                Thread.Sleep((int)Math.Min(2000, 25 * Math.Pow(2, attempt - 1)));
            }
        }
    }

    private void CopyRows(ReadOnlySpan<MetricRow> rows)
    {
        if (rows.IsEmpty)
        {
            return;
        }
        using var copy = _connection.BeginBinaryImport(Copy);
        foreach (ref readonly var r in rows)
        {
            copy.StartRow();
            copy.Write(RunId, NpgsqlDbType.Text);
            copy.Write(r.Step, NpgsqlDbType.Bigint);
            WriteDouble(copy, r.Time);
            copy.Write(r.Name, NpgsqlDbType.Text);
            WriteDouble(copy, r.Value);
        }
        copy.Complete();
    }

    private static void WriteDouble(NpgsqlBinaryImporter copy, double v)
    {
        if (double.IsNaN(v))
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(v, NpgsqlDbType.Double);
        }
    }

    private void InsertRows(ReadOnlySpan<MetricRow> rows, NpgsqlTransaction tx)
    {
        while (!rows.IsEmpty)
        {
            int n = Math.Min(rows.Length, InsertChunk);
            var cmd = InsertCommand(n);
            cmd.Transaction = tx;
            var ps = cmd.Parameters;
            for (int i = 0; i < n; i++)
            {
                ref readonly var r = ref rows[i];
                ((NpgsqlParameter<long>)ps[5 * i + 1]).TypedValue = r.Step;
                SetDouble(ps[5 * i + 2], r.Time);
                ((NpgsqlParameter<string>)ps[5 * i + 3]).TypedValue = r.Name;
                SetDouble(ps[5 * i + 4], r.Value);
            }
            cmd.ExecuteNonQuery();
            rows = rows[n..];
        }
    }

    private static void SetDouble(NpgsqlParameter p, double v) => p.Value = StoreValues.ToDb(v); // NaN -> NULL

    /// <summary>A prepared <c>INSERT ... VALUES (...), (...)</c> of <paramref name="n"/> rows (kept for the full chunk size, the tail size varies).</summary>
    private NpgsqlCommand InsertCommand(int n)
    {
        if (_inserts.TryGetValue(n, out var cached))
        {
            return cached;
        }
        var sql = new StringBuilder("INSERT INTO metrics (run, step, time, name, value) VALUES ");
        var cmd = new NpgsqlCommand { Connection = _connection };
        for (int i = 0; i < n; i++)
        {
            int b = 5 * i;
            sql.Append(i == 0 ? "" : ", ").Append($"(${b + 1}, ${b + 2}, ${b + 3}, ${b + 4}, ${b + 5})");
            cmd.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = RunId });
            cmd.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double }); // untyped: NaN is bound as DBNull
            cmd.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double });
        }
        cmd.CommandText = sql.ToString();
        if (n == InsertChunk)
        {
            cmd.Prepare();
            _inserts[n] = cmd;
        }
        else
        {
            // Tail batches come in every size: not worth a prepared statement each; cache a few.
            if (_inserts.Count < 8)
            {
                _inserts[n] = cmd;
            }
        }
        return cmd;
    }

    private void InsertVectors(IReadOnlyList<VectorRow> vectors, NpgsqlTransaction tx)
    {
        if (vectors.Count == 0)
        {
            return;
        }
        using var cmd = new NpgsqlCommand("INSERT INTO metric_vectors (run, step, time, name, values_json) VALUES ($1, $2, $3, $4, $5)", _connection, tx);
        foreach (var v in vectors)
        {
            cmd.Parameters.Clear();
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = RunId });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = v.Step });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double, Value = StoreValues.ToDb(v.Time) });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = v.Name });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = StoreValues.VectorToJson(v.Values) });
            cmd.ExecuteNonQuery();
        }
    }

    private void DropInserts()
    {
        foreach (var cmd in _inserts.Values)
        {
            cmd.Dispose();
        }
        _inserts.Clear();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DropInserts();
            _connection.Dispose();
        }
    }
}
