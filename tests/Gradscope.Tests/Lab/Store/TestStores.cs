using Gradscope.Lab.Store;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace Gradscope.Tests.Lab.Store;

/// <summary>
/// A fresh, empty store on one backend for one test, removed on Dispose. "sqlite": a temporary
/// directory. "postgres": a schema of its own (<c>?schema=</c>) in the database named by
/// <c>GRADSCOPE_TEST_POSTGRES</c> (test.sh starts a throw-away server and sets it), with a temporary
/// directory for run folders (<c>?files=</c>); the schema is dropped afterwards.
/// </summary>
internal sealed class TestStore : IDisposable
{
    public const string ServerVariable = "GRADSCOPE_TEST_POSTGRES";

    /// <summary>The backends every contract test runs on.</summary>
    public static readonly string[] BackendNames = ["sqlite", "postgres"];

    public static TheoryData<string> Backends => new(BackendNames);

    private readonly string? _schema;

    private TestStore(string backend, string location, string filesRoot, string? schema)
    {
        Backend = backend;
        Location = location;
        FilesRoot = filesRoot;
        _schema = schema;
    }

    public string Backend { get; }

    /// <summary>What <see cref="RunStore.Open"/> takes: a directory or a postgres:// URL.</summary>
    public string Location { get; }

    /// <summary>Absolute directory of the per-run folders.</summary>
    public string FilesRoot { get; }

    public bool IsPostgres => Backend == "postgres";

    /// <summary>The test server's URL, or null (and a note in the test's output) when there is none.</summary>
    public static string? ServerUrl(ITestOutputHelper? output)
    {
        string? url = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(url))
        {
            output?.WriteLine(
                $"PostgreSQL store test NOT RUN: no server. Set {ServerVariable}=postgres://user:password@host:port/database " +
                "(bash test.sh starts a throw-away server and sets it).");
            return null;
        }
        return url.Trim();
    }

    /// <summary>A new empty store, or null when the backend is PostgreSQL and no test server is configured (noted in <paramref name="output"/>).</summary>
    public static TestStore? Create(string backend, ITestOutputHelper? output)
    {
        string tmp = Path.Combine(Path.GetTempPath(), $"gs-store-{Guid.NewGuid():N}");
        switch (backend)
        {
            case "sqlite":
                return new TestStore(backend, tmp, tmp, null);
            case "postgres":
                string? url = ServerUrl(output);
                if (url is null)
                {
                    return null;
                }
                string schema = $"t_{Guid.NewGuid():N}";
                string location = $"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}schema={schema}&files={Uri.EscapeDataString(tmp)}";
                return new TestStore(backend, location, tmp, schema);
            default:
                throw new ArgumentOutOfRangeException(nameof(backend), backend, "sqlite or postgres");
        }
    }

    public IRunStore Open() => RunStore.Open(Location);

    /// <summary>Runs SQL directly against the store's database, past the store (to break it on purpose).</summary>
    public void Execute(string sql)
    {
        if (IsPostgres)
        {
            using var c = new NpgsqlConnection(PostgresLocation.Parse(Location).ConnectionString);
            c.Open();
            using var cmd = new NpgsqlCommand(sql, c);
            cmd.ExecuteNonQuery();
        }
        else
        {
            using var c = new SqliteConnection($"Data Source={Path.Combine(Location, RunStore.DatabaseFileName)};Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Makes every insert of a metric row with this step fail with the message 'boom'.</summary>
    public void FailInsertsAtStep(long step) => Execute(IsPostgres
        ? $"""
           CREATE FUNCTION fail_at_step() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN IF NEW.step = {step} THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$;
           CREATE TRIGGER fail_at_step BEFORE INSERT ON metrics FOR EACH ROW EXECUTE FUNCTION fail_at_step();
           """
        : $"CREATE TRIGGER fail_at_step BEFORE INSERT ON metrics WHEN NEW.step = {step} BEGIN SELECT RAISE(ABORT, 'boom'); END");

    public void Dispose()
    {
        if (_schema is not null)
        {
            try
            {
                Execute($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
            }
            catch (NpgsqlException)
            {
                // The server may be the thing a test took away; the throw-away cluster goes anyway.
            }
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }
        if (Directory.Exists(FilesRoot))
        {
            Directory.Delete(FilesRoot, recursive: true);
        }
    }
}
