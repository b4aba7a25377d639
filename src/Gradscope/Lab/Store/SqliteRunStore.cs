using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Gradscope.Lab.Store;

/// <summary>
/// A directory store: <c>&lt;dir&gt;/gradscope.db</c> (SQLite through Microsoft.Data.Sqlite and its
/// bundled e_sqlite3, so nothing needs installing) plus <c>&lt;dir&gt;/&lt;run-id&gt;/</c> per run.
/// Several processes may share it: WAL journal (readers never block the writer), a 10 s busy
/// timeout inside SQLite, write transactions that take the lock at BEGIN (IMMEDIATE, so two
/// writers cannot deadlock upgrading read locks), and whole-transaction retries on SQLITE_BUSY.
/// WAL needs shared memory, so the directory must be on a local file system, not NFS: across
/// machines use a PostgreSQL store.
/// </summary>
internal sealed class SqliteRunStore : SqlRunStore
{
    /// <summary>How long SQLite itself waits for a lock before reporting SQLITE_BUSY.</summary>
    public const int BusyTimeoutMs = 10_000;

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    private readonly SqliteConnection _connection;
    private readonly string _connectionString;

    private SqliteRunStore(string directory, SqliteConnection connection)
        : base(directory, directory)
    {
        _connection = connection;
        _connectionString = connection.ConnectionString;
    }

    public string DatabasePath => _connection.DataSource;

    protected internal override DbConnection Connection => _connection;

    public static SqliteRunStore Open(string directory)
    {
        string dir = Path.GetFullPath(directory);
        if (File.Exists(dir))
        {
            throw new StoreException($"store location {directory} is a file; a store is a directory (holding {RunStore.DatabaseFileName})");
        }
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot create store directory {directory}: {e.Message}", e);
        }
        var csb = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dir, RunStore.DatabaseFileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            // One long-lived connection per store object: a pool would only keep files open after Dispose.
            Pooling = false,
            DefaultTimeout = 60,
        };
        var connection = new SqliteConnection(csb.ToString());
        SqliteRunStore? store = null;
        try
        {
            connection.Open();
            store = new SqliteRunStore(dir, connection);
            store.Configure();
            store.Migrate();
            return store;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 26 /* NOTADB */ or 11 /* CORRUPT */ or 14 /* CANTOPEN */)
        {
            DisposeAll(store, connection);
            throw new StoreException($"cannot open run store {csb.DataSource}: {e.Message}", e);
        }
        catch
        {
            DisposeAll(store, connection);
            throw;
        }
    }

    private static void DisposeAll(SqliteRunStore? store, SqliteConnection connection)
    {
        if (store is not null)
        {
            store.Dispose();
        }
        else
        {
            connection.Dispose();
        }
    }

    private void Configure()
    {
        Pragma($"PRAGMA busy_timeout = {BusyTimeoutMs}");
        // journal_mode is persistent in the file; switching needs a moment of exclusive access, so retry.
        string mode = Retry(() =>
        {
            using var cmd = Command("PRAGMA journal_mode = WAL");
            return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
        });
        if (!mode.Equals("wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreException($"store {DatabasePath} cannot use WAL journaling (got '{mode}'); is it on a network file system?");
        }
        // In WAL mode NORMAL is safe against process crashes (kill -9); only an OS crash or power
        // loss can drop the last commits, and resume restarts from a checkpoint anyway.
        Pragma("PRAGMA synchronous = NORMAL");
    }

    /// <summary>Another connection to the same database with the same busy timeout (for a metric writer's thread).</summary>
    internal SqliteConnection OpenExtraConnection()
    {
        ThrowIfDisposed();
        var c = new SqliteConnection(_connectionString);
        try
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMs}";
            cmd.ExecuteNonQuery();
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    protected override MetricWriter CreateMetricWriter(string runId, int batchSize, bool background) =>
        new SqliteMetricWriter(this, runId, batchSize, background);

    private void Pragma(string sql) => Retry(() =>
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    });

    protected internal override bool IsTransient(DbException error) =>
        error is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked };

    protected override bool IsUniqueViolation(DbException error) =>
        error is SqliteException { SqliteErrorCode: SqliteConstraint } e
        && e.SqliteExtendedErrorCode is SqliteConstraintPrimaryKey or SqliteConstraintUnique;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _connection.Dispose();
        }
    }
}
