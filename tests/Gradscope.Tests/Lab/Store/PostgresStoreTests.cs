using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Gradscope.Lab.Store;
using Npgsql;
using Xunit.Abstractions;

namespace Gradscope.Tests.Lab.Store;

/// <summary>
/// What is particular to the PostgreSQL store: its URL, failures to connect, reconnecting, the
/// schema it creates, COPY and INSERT writing the same rows, ordering under a non-C collation.
/// Tests that need a server return early with a note when <c>GRADSCOPE_TEST_POSTGRES</c> is unset
/// (bash test.sh starts one); the URL tests need none.
/// </summary>
public partial class PostgresStoreTests(ITestOutputHelper output)
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    // ---- URLs (no server) ----

    [Fact]
    public void UrlGivesHostPortUserPasswordAndDatabase()
    {
        var l = PostgresLocation.Parse("postgres://gs:s%40cret@db.lab:6543/experiments", Env());
        var b = l.Builder;
        Assert.Equal(("db.lab", 6543, "gs", "s@cret", "experiments"), (b.Host, b.Port, b.Username, b.Password, b.Database));
        Assert.False(b.Pooling);
        Assert.Equal(PostgresLocation.DefaultConnectTimeoutSeconds, b.Timeout);
        Assert.Equal("postgres://gs:***@db.lab:6543/experiments", l.Url);
        Assert.Null(l.Schema);
        Assert.Equal(PostgresLocation.DefaultConnectAttempts, l.ConnectAttempts);
        Assert.Equal(Path.GetFullPath(PostgresLocation.DefaultFilesRoot), l.FilesRoot);
    }

    [Fact]
    public void UrlDefaultsFollowLibpq()
    {
        // Password from PGPASSWORD, user from PGUSER, database = user, default port; IPv6 in brackets.
        var l = PostgresLocation.Parse("postgresql://[::1]", Env(("PGPASSWORD", "from-env"), ("PGUSER", "alice")));
        Assert.Equal(("::1", 5432, "alice", "from-env", "alice"), (l.Builder.Host, l.Builder.Port, l.Builder.Username, l.Builder.Password, l.Builder.Database));
        var withPassword = PostgresLocation.Parse("postgres://bob:inline@[::1]:5433/db", Env(("PGPASSWORD", "from-env")));
        Assert.Equal(("inline", 5433), (withPassword.Builder.Password, withPassword.Builder.Port));
    }

    [Fact]
    public void UrlOptionsSetSchemaFilesAttemptsAndNpgsqlKeywords()
    {
        var l = PostgresLocation.Parse(
            "postgres://gs@h/db?schema=lab_1&files=%2Fsrv%2Fruns&connect_attempts=2&connect_timeout=3&sslmode=disable&application_name=w7&Command%20Timeout=90",
            Env((PostgresLocation.RunDirVariable, "/ignored")));
        Assert.Equal(("lab_1", "lab_1", "/srv/runs", 2), (l.Schema, l.Builder.SearchPath, l.FilesRoot, l.ConnectAttempts));
        Assert.Equal((3, SslMode.Disable, "w7", 90), (l.Builder.Timeout, l.Builder.SslMode, l.Builder.ApplicationName, l.Builder.CommandTimeout));
        Assert.Equal("/from-env", PostgresLocation.Parse("postgres://gs@h/db", Env((PostgresLocation.RunDirVariable, "/from-env"))).FilesRoot);
    }

    [Theory]
    [InlineData("postgres://gs@h/db?schema=Bad-Name", "schema")]
    [InlineData("postgres://gs@h/db?connect_attempts=0", "connect_attempts")]
    [InlineData("postgres://gs@h:99999/db", "port")]
    [InlineData("postgres://gs:pw@h/db?no_such_option=1", "no_such_option")]
    [InlineData("postgres:///db", "no host")]
    public void BadUrlsAreStoreErrors(string url, string expected)
    {
        var e = Assert.Throws<StoreException>(() => PostgresLocation.Parse(url, Env()));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain(":pw@", e.Message);
    }

    // ---- connecting ----

    [Fact]
    public void UnreachableServerIsAStoreExceptionAfterBackedOffRetries()
    {
        int port = FreeLoopbackPort(); // nothing listens there: connections are refused at once
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<StoreException>(() => RunStore.Open($"postgres://gs:hunter2@127.0.0.1:{port}/lab?connect_attempts=3"));
        sw.Stop();
        output.WriteLine($"{sw.Elapsed.TotalSeconds:F2} s: {e.Message}");
        Assert.Contains("after 3 attempts", e.Message);
        Assert.Contains($"127.0.0.1:{port}", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
        // Back-off 0.5 s then 1 s between the three attempts; nothing like a 15 s connect timeout.
        Assert.InRange(sw.Elapsed.TotalSeconds, 1.4, 10);
    }

    [Fact]
    public void UnresolvableHostIsAStoreExceptionToo()
    {
        var e = Assert.Throws<StoreException>(() => RunStore.Open("postgres://gs@no-such-host.invalid/lab?connect_attempts=1&connect_timeout=2"));
        Assert.Contains("after 1 attempt", e.Message);
    }

    [Fact]
    public void WrongPasswordAndMissingDatabaseFailAtOnceWithAHint()
    {
        string? url = TestStore.ServerUrl(output);
        if (url is null)
        {
            return;
        }
        var sw = Stopwatch.StartNew();
        var auth = Assert.Throws<StoreException>(() => RunStore.Open(Regex.Replace(url, "://([^:@/]+)(:[^@]*)?@", "://$1:wrong-password@")));
        Assert.Contains("authentication failed", auth.Message);
        Assert.DoesNotContain("wrong-password", auth.Message);
        var db = Assert.Throws<StoreException>(() => RunStore.Open(WithDatabase(url, "no_such_db_" + Guid.NewGuid().ToString("N")[..8])));
        Assert.Contains("createdb", db.Message);
        Assert.InRange(sw.Elapsed.TotalSeconds, 0, 5); // no retries: waiting would not help
    }

    [Fact]
    public void StoreAndWriterReconnectWhenTheServerDropsTheirConnections()
    {
        using var ts = TestStore.Create("postgres", output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var run = store.CreateRun("reconnect", "{}", 1, "float64");
        using var w = (PostgresMetricWriter)store.OpenMetricWriter(run.Id, batchSize: 100, background: false);
        w.Append(0, 0, "x", 0);
        w.Flush();

        Terminate(ts, ((NpgsqlConnection)((SqlRunStore)store).Connection).ProcessID);
        Terminate(ts, w.BackendProcessId);
        Assert.Equal(run.Id, store.ListRuns().Single().Id); // reconnected and retried
        w.Append(1, 1, "x", 1);
        w.Flush();
        store.MarkFinished(run.Id, RunStatus.Completed, 2);
        Assert.Equal([0L, 1], store.ReadMetrics(run.Id).Select(r => r.Step));
    }

    private static void Terminate(TestStore ts, int pid) =>
        ts.Execute($"SELECT pg_terminate_backend({pid})");

    // ---- schema ----

    [Fact]
    public void OpeningCreatesEveryTableInItsSchemaAtTheCurrentVersion()
    {
        using var ts = TestStore.Create("postgres", output);
        if (ts is null)
        {
            return;
        }
        string schema = PostgresLocation.Parse(ts.Location).Schema!;
        using (var store = ts.Open())
        {
            Assert.Equal(StoreMigrations.LatestVersion, ((SqlRunStore)store).SchemaVersion);
            Assert.Equal(ts.FilesRoot, store.FilesRoot);
        }
        using var c = new NpgsqlConnection(PostgresLocation.Parse(ts.Location).ConnectionString);
        c.Open();
        using var tables = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = @s ORDER BY table_name", c);
        tables.Parameters.AddWithValue("s", schema);
        var names = new List<string>();
        using (var r = tables.ExecuteReader())
        {
            while (r.Read())
            {
                names.Add(r.GetString(0));
            }
        }
        Assert.Equal(["metric_vectors", "metrics", "runs", "schema_version", "sweeps", "trials"], names);
        using var versions = new NpgsqlCommand("SELECT COUNT(*) FROM schema_version", c);
        Assert.Equal((long)StoreMigrations.Scripts.Count, versions.ExecuteScalar());
    }

    /// <summary>
    /// Workers may connect as a user that can only read and write an existing store (no CREATE):
    /// opening a migrated store works; a store it would have to create is a clear StoreException.
    /// </summary>
    [Fact]
    public void AUserWithoutCreateRightsUsesAnExistingStoreButCannotMakeOne()
    {
        using var ts = TestStore.Create("postgres", output);
        if (ts is null)
        {
            return;
        }
        string schema = PostgresLocation.Parse(ts.Location).Schema!;
        string role = "gs_rw_" + Guid.NewGuid().ToString("N")[..10];
        ts.Open().Dispose();
        ts.Execute($"CREATE ROLE {role} LOGIN PASSWORD 'rw-secret'");
        try
        {
            ts.Execute($"GRANT USAGE ON SCHEMA {schema} TO {role}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}");
            string asRole = Regex.Replace(ts.Location, "://([^:@/]+)(:[^@]*)?@", $"://{role}:rw-secret@");
            using (var store = RunStore.Open(asRole))
            {
                var run = store.CreateRun("restricted", "{}", 1, "float64");
                using (var w = store.OpenMetricWriter(run.Id))
                {
                    w.Append(0, 0, "x", 1);
                }
                store.CreateSweep("restricted", "{}", ["{}"]);
                Assert.NotNull(store.ClaimTrial(null, "w", TimeSpan.FromMinutes(1)));
            }
            string fresh = Regex.Replace(asRole, "schema=[a-z0-9_]+", "schema=" + schema + "_new");
            var e = Assert.Throws<StoreException>(() => RunStore.Open(fresh));
            Assert.Contains("may not create", e.Message);
        }
        finally
        {
            ts.Execute($"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    [Fact]
    public void StoresInDifferentSchemasOfOneDatabaseAreSeparate()
    {
        using var a = TestStore.Create("postgres", output);
        using var b = TestStore.Create("postgres", null);
        if (a is null || b is null)
        {
            return;
        }
        using var sa = a.Open();
        using var sb = b.Open();
        sa.CreateRun("in-a", "{}", 1, "float64");
        Assert.Empty(sb.ListRuns());
        Assert.Single(sa.ListRuns());
    }

    [Fact]
    public void StoreFromNewerGradscopeIsRefused()
    {
        using var ts = TestStore.Create("postgres", output);
        if (ts is null)
        {
            return;
        }
        ts.Open().Dispose();
        ts.Execute($"INSERT INTO schema_version (version, applied_at) VALUES ({StoreMigrations.LatestVersion + 1}, 'x')");
        Assert.Contains("newer", Assert.Throws<StoreException>(() => ts.Open()).Message);
    }

    // ---- metric writing ----

    [Theory]
    [InlineData("copy")]
    [InlineData("insert")]
    public void CopyAndInsertWriteTheSameRowsBitForBit(string mode)
    {
        using var ts = TestStore.Create("postgres", output);
        if (ts is null)
        {
            return;
        }
        double[] specials =
        [
            double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.MinValue,
            double.Epsilon, 2.2250738585072014e-308, 0.1 + 0.2, -1.0 / 3, 0.0, -0.0, 1e-310,
        ];
        using var store = ts.Open();
        var run = store.CreateRun("modes", "{}", 1, "float64");
        var rows = new List<MetricRow>();
        for (int i = 0; i < 1300; i++) // two full INSERT chunks and a tail
        {
            rows.Add(new MetricRow(i, specials[(i + 5) % specials.Length], $"m/{i % 3}", specials[i % specials.Length]));
        }
        using (var w = (PostgresMetricWriter)store.OpenMetricWriter(run.Id, batchSize: 4096, background: false))
        {
            w.Mode = mode == "copy" ? PostgresInsertMode.Copy : PostgresInsertMode.Insert;
            rows.ForEach(r => w.Append(r));
            w.AppendVector(3, 0.5, "hessian/density", [1, double.NaN]);
        }
        var back = store.ReadMetrics(run.Id).ToList();
        var expected = rows.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Step).ToList();
        Assert.Equal(expected.Count, back.Count);
        for (int i = 0; i < back.Count; i++)
        {
            Assert.Equal((expected[i].Step, expected[i].Name), (back[i].Step, back[i].Name));
            Assert.Equal(Bits(expected[i].Value), Bits(back[i].Value));
            Assert.Equal(Bits(expected[i].Time), Bits(back[i].Time));
        }
        Assert.Single(store.ReadVectors(run.Id));

        static long Bits(double d) => double.IsNaN(d) ? -1 : BitConverter.DoubleToInt64Bits(d);
    }

    /// <summary>
    /// A database whose default collation is linguistic (ICU en-US: a &lt; B, punctuation ignored first)
    /// must still give names and ids in ordinal order, as SQLite does; the store adds COLLATE "C".
    /// </summary>
    [Fact]
    public void OrderIsOrdinalUnderALinguisticDatabaseCollation()
    {
        string? url = TestStore.ServerUrl(output);
        if (url is null)
        {
            return;
        }
        string db = "gs_icu_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            ServerCommand(url, $"CREATE DATABASE {db} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
        }
        catch (PostgresException e)
        {
            output.WriteLine($"ICU collation test NOT RUN: the server cannot create an ICU database ({e.MessageText})");
            return;
        }
        string files = Path.Combine(Path.GetTempPath(), $"gs-store-{Guid.NewGuid():N}");
        try
        {
            using var store = RunStore.Open(WithDatabase(url, db) + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "files=" + Uri.EscapeDataString(files));
            string[] names = ["a", "B", "_x", "\u00e9", "z", "Z", "a-b", "a0"];
            var run = store.CreateRun("collation", "{}", 1, "float64");
            using (var w = store.OpenMetricWriter(run.Id))
            {
                foreach (string n in names)
                {
                    w.Append(0, 0, n, 1);
                }
            }
            string[] ordinal = names.Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(ordinal, store.ReadMetrics(run.Id).Select(r => r.Name));
            Assert.Equal(ordinal, store.MetricNames(run.Id));
        }
        finally
        {
            ServerCommand(url, $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            if (Directory.Exists(files))
            {
                Directory.Delete(files, recursive: true);
            }
        }
    }

    private static void ServerCommand(string url, string sql)
    {
        using var c = new NpgsqlConnection(PostgresLocation.Parse(url).ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    private static string WithDatabase(string url, string database) => DatabasePath().Replace(url, "/" + database, 1);

    [GeneratedRegex("(?<=://[^/?]*)/[^?]*")]
    private static partial Regex DatabasePath();

    private static int FreeLoopbackPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
