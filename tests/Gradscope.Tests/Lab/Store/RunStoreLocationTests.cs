using Gradscope.Lab.Store;
using Microsoft.Data.Sqlite;

namespace Gradscope.Tests.Lab.Store;

public class RunStoreLocationTests
{
    private static Func<string, string?> Env(string? value) => name => name == "GRADSCOPE_STORE" ? value : null;

    [Fact]
    public void LocationComesFromOptionThenEnvironmentThenDefault()
    {
        Assert.Equal("/a", RunStore.ResolveLocation("/a", Env("/b")));
        Assert.Equal("/b", RunStore.ResolveLocation(null, Env("/b")));
        Assert.Equal("/b", RunStore.ResolveLocation("  ", Env(" /b ")));
        Assert.Equal("./runs", RunStore.ResolveLocation(null, Env(null)));
        Assert.Equal("./runs", RunStore.ResolveLocation("", Env("")));
    }

    [Theory]
    [InlineData("postgres://gs@db.example:5432/lab")]
    [InlineData("PostgreSQL://gs:hunter2@localhost/lab")]
    public void PostgresUrlsAreRecognised(string url)
    {
        Assert.True(RunStore.IsPostgresUrl(url));
        Assert.False(RunStore.IsPostgresUrl("/srv/postgres/runs"));
        Assert.False(RunStore.IsPostgresUrl("mysql://x/y"));
    }

    [Fact]
    public void OtherUrlSchemesAndFilesAreBadLocations()
    {
        Assert.Throws<StoreException>(() => RunStore.Open("mysql://x/y"));
        string file = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<StoreException>(() => RunStore.Open(file));
            Assert.Contains("is a file", e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void RedactsPasswords()
    {
        Assert.Equal("postgres://u:***@h:5432/d", RunStore.RedactPassword("postgres://u:pw@h:5432/d"));
        Assert.Equal("postgres://u@h:5432/d", RunStore.RedactPassword("postgres://u@h:5432/d"));
        Assert.Equal("./runs", RunStore.RedactPassword("./runs"));
        Assert.Equal("postgres://u:***@h/d?password=***&schema=s", RunStore.RedactPassword("postgres://u:p@ss@h/d?password=x&schema=s"));
        Assert.Equal("postgres://u@h/d?schema=a:b@c", RunStore.RedactPassword("postgres://u@h/d?schema=a:b@c"));
    }

    [Fact]
    public void OpeningCreatesDatabaseInWalModeWithCurrentSchema()
    {
        using var dir = new TempStoreDir();
        string db = Path.Combine(dir.Path, "nested", RunStore.DatabaseFileName);
        using (var store = RunStore.Open(Path.Combine(dir.Path, "nested")))
        {
            Assert.True(File.Exists(db));
            Assert.Equal(StoreMigrations.LatestVersion, ((SqlRunStore)store).SchemaVersion);
        }
        // Independent look at the file: WAL journal, every table, one schema_version row per script.
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        Assert.Equal("wal", Scalar(c, "PRAGMA journal_mode"));
        foreach (string table in new[] { "runs", "metrics", "metric_vectors", "schema_version" })
        {
            Assert.Equal(1L, Scalar(c, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"));
        }
        Assert.Equal((long)StoreMigrations.Scripts.Count, Scalar(c, "SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(1L, Scalar(c, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'metrics_by_run_name_step'"));
    }

    [Fact]
    public void ReopeningDoesNotReapplyMigrationsAndKeepsData()
    {
        using var dir = new TempStoreDir();
        string id;
        using (var s = RunStore.Open(dir.Path))
        {
            id = s.CreateRun("keep", "{}", 1, "float64").Id;
        }
        using (var s = RunStore.Open(dir.Path))
        {
            Assert.NotNull(s.GetRun(id));
            Assert.Single(s.ListRuns());
        }
    }

    [Fact]
    public void StoreFromNewerGradscopeIsRefused()
    {
        using var dir = new TempStoreDir();
        RunStore.Open(dir.Path).Dispose();
        using (var c = new SqliteConnection($"Data Source={Path.Combine(dir.Path, RunStore.DatabaseFileName)};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"INSERT INTO schema_version (version, applied_at) VALUES ({StoreMigrations.LatestVersion + 1}, 'x')";
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<StoreException>(() => RunStore.Open(dir.Path));
        Assert.Contains("newer", e.Message);
    }

    [Fact]
    public void GarbageDatabaseFileIsAStoreError()
    {
        using var dir = new TempStoreDir();
        Directory.CreateDirectory(dir.Path);
        File.WriteAllText(Path.Combine(dir.Path, RunStore.DatabaseFileName), new string('x', 4096));
        Assert.Throws<StoreException>(() => RunStore.Open(dir.Path));
    }

    [Fact]
    public void MigrationScriptsUseOnlyPortableColumnTypes()
    {
        // Issue 6 runs the same scripts on PostgreSQL: no SQLite-only types or syntax.
        foreach (var (_, name, sql) in StoreMigrations.Scripts)
        {
            string upper = sql.ToUpperInvariant();
            foreach (string banned in new[] { "AUTOINCREMENT", "WITHOUT ROWID", " BLOB", " DATETIME", " NUMERIC", "PRAGMA", "STRICT", "INSERT OR " })
            {
                Assert.False(upper.Contains(banned, StringComparison.Ordinal), $"{name} uses {banned.Trim()}");
            }
        }
    }

    private static object? Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
