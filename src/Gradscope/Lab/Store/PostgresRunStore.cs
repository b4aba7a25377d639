using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace Gradscope.Lab.Store;

/// <summary>
/// A store in a PostgreSQL database (<c>postgres://user@host:port/db</c>), for sweeps whose workers
/// run on several machines. Same schema and migrations as the SQLite store (the portable scripts in
/// Migrations/), same SQL for everything but locking: migrations run under a transaction-scoped
/// advisory lock, trial claims use <c>SELECT ... FOR UPDATE SKIP LOCKED</c>, and metric batches go
/// in by binary COPY (<see cref="PostgresMetricWriter"/>). Per-run folders (checkpoints, plots)
/// live in a local directory (<see cref="PostgresLocation.FilesRoot"/>): workers on several machines
/// that must resume each other's runs need it on a shared file system.
/// <para>
/// Opening retries an unreachable server with exponential back-off
/// (<see cref="PostgresLocation.ConnectAttempts"/>) and then throws a <see cref="StoreException"/>
/// saying so; a connection lost later is reopened the same way before a transient failure is retried.
/// </para>
/// </summary>
internal sealed class PostgresRunStore : SqlRunStore
{
    // Advisory lock keys: (class, hash of the schema) so that stores in different schemas do not serialise.
    private const int MigrationLockClass = 0x67726164; // "grad"

    private readonly NpgsqlConnection _connection;
    private bool _collationIsC;

    private PostgresRunStore(PostgresLocation location, NpgsqlConnection connection)
        : base(location.Url, location.FilesRoot)
    {
        Target = location;
        _connection = connection;
    }

    internal PostgresLocation Target { get; }

    protected internal override DbConnection Connection => _connection;

    public static PostgresRunStore Open(string url) => Open(PostgresLocation.Parse(url));

    public static PostgresRunStore Open(PostgresLocation location)
    {
        var connection = OpenConnection(location);
        PostgresRunStore? store = null;
        try
        {
            store = new PostgresRunStore(location, connection);
            store.Migrate();
            store._collationIsC = store.DatabaseCollationIsC();
            return store;
        }
        catch (PostgresException e) when (e.SqlState == "42501")
        {
            DisposeAll(store, connection);
            throw new StoreException(
                $"store {location.Url}: user {location.Builder.Username} may not create the store's tables ({e.MessageText}); " +
                "grant it CREATE on the database (or schema), or name a schema it owns with ?schema=NAME", e);
        }
        catch
        {
            DisposeAll(store, connection);
            throw;
        }
    }

    private static void DisposeAll(PostgresRunStore? store, NpgsqlConnection connection)
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

    /// <summary>A new open connection to the store's database (see <see cref="Connect"/>).</summary>
    internal static NpgsqlConnection OpenConnection(PostgresLocation location)
    {
        var c = new NpgsqlConnection(location.ConnectionString);
        try
        {
            Connect(c, location);
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens <paramref name="c"/> (closing it first if it is broken), trying
    /// <see cref="PostgresLocation.ConnectAttempts"/> times with exponential back-off while the server
    /// cannot be reached (refused, timed out, starting up, out of connection slots). Errors that no
    /// retry fixes (authentication, a missing database) and the last failure become a <see cref="StoreException"/>.
    /// </summary>
    internal static void Connect(NpgsqlConnection c, PostgresLocation location)
    {
        var delay = location.FirstBackoff;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                if (c.State != System.Data.ConnectionState.Closed)
                {
                    c.Close();
                }
                c.Open();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException or IOException)
            {
                if (!IsConnectTransient(e))
                {
                    throw new StoreException($"cannot open store {location.Url}: {Describe(e)}", e);
                }
                if (attempt >= location.ConnectAttempts)
                {
                    throw new StoreException(
                        $"cannot reach the PostgreSQL server of store {location.Url} after {attempt} attempt{(attempt == 1 ? "" : "s")}: {Describe(e)}. " +
                        "Is the server running, and are the host and port right?", e);
                }
                Thread.Sleep(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(8).Ticks));
            }
        }
    }

    private static bool IsConnectTransient(Exception e) => e switch
    {
        // Starting up / shutting down, too many connections: try again.
        PostgresException pg => pg.SqlState is "57P03" or "57P01" or "53300" or "53400" or "08000" or "08001" or "08006",
        NpgsqlException n => n.IsTransient || n.InnerException is SocketException or IOException or TimeoutException,
        _ => true,
    };

    private static string Describe(Exception e)
    {
        if (e is PostgresException pg)
        {
            return pg.SqlState switch
            {
                "28P01" or "28000" => $"authentication failed ({pg.MessageText}); give the password in the URL or in PGPASSWORD",
                "3D000" => $"{pg.MessageText}; create it first (createdb)",
                _ => $"{pg.MessageText} (SQLSTATE {pg.SqlState})",
            };
        }
        var inner = e;
        while (inner.InnerException is not null && inner is NpgsqlException)
        {
            inner = inner.InnerException;
        }
        return inner == e ? e.Message : $"{e.Message} ({inner.Message})";
    }

    protected override void Recover()
    {
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            Connect(_connection, Target);
        }
    }

    /// <summary>
    /// Whether the database's default collation already sorts text by code point (C, POSIX, glibc's
    /// C.UTF-8), so ORDER BY can follow the indexes; else (en_US, ICU, ...) ordering needs
    /// <c>COLLATE "C"</c> and a sort. Probed by behaviour, which works for every provider.
    /// </summary>
    private bool DatabaseCollationIsC()
    {
        using var cmd = Command("SELECT 'B' < 'a' AND 'a-' < 'a0' AND 'Z' < '_' AND 'z' < '\u00e9'");
        return Retry(() => cmd.ExecuteScalar()) is true;
    }

    protected override string Ordinal(string column) => _collationIsC ? column : column + " COLLATE \"C\"";

    protected override void CreateVersionTable() => InTransaction(tx =>
    {
        LockForMigration(tx);
        // Look before creating: CREATE ... IF NOT EXISTS still needs the CREATE privilege, and a user
        // that may only read and write an existing store should be able to open it.
        if (Target.Schema is { } schema)
        {
            using var exists = Command("SELECT COUNT(*) FROM pg_namespace WHERE nspname = @schema", tx);
            Add(exists, "@schema", schema);
            if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                using var create = Command($"CREATE SCHEMA {schema}", tx); // a validated identifier
                create.ExecuteNonQuery();
            }
        }
        using var table = Command("SELECT to_regclass('schema_version') IS NULL", tx);
        if (table.ExecuteScalar() is true)
        {
            using var create = Command(StoreMigrations.CreateVersionTable, tx);
            create.ExecuteNonQuery();
        }
        return 0;
    });

    protected override void LockForMigration(DbTransaction tx)
    {
        using var cmd = Command("SELECT pg_advisory_xact_lock(@class, hashtext(@schema))", tx);
        Add(cmd, "@class", MigrationLockClass);
        Add(cmd, "@schema", Target.Schema ?? "");
        cmd.ExecuteNonQuery();
    }

    protected override string ClaimLockClause(string alias) => $"FOR UPDATE OF {alias} SKIP LOCKED";

    protected override MetricWriter CreateMetricWriter(string runId, int batchSize, bool background) =>
        new PostgresMetricWriter(this, runId, batchSize, background);

    protected internal override bool IsTransient(DbException error) => IsTransientError(error);

    internal static bool IsTransientError(DbException error) => error switch
    {
        // serialization failure, deadlock, lock not available, admin shutdown, cannot connect now
        PostgresException pg => pg.SqlState is "40001" or "40P01" or "55P03" or "57P01" or "57P03",
        NpgsqlException n => n.IsTransient,
        _ => false,
    };

    protected override bool CommitOutcomeUnknown(DbException error) => error is NpgsqlException and not PostgresException;

    protected override bool IsUniqueViolation(DbException error) => error is PostgresException { SqlState: "23505" };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _connection.Dispose();
        }
    }
}
