using System.Text.Json;
using Gradscope.Lab.Store;
using Xunit.Abstractions;

namespace Gradscope.Tests.Lab.Store;

/// <summary>The run-store contract, on SQLite and on PostgreSQL (when a test server is configured; see <see cref="TestStore"/>).</summary>
public class RunStoreTests(ITestOutputHelper output)
{
    public static TheoryData<string> Backends => TestStore.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public void CreateRunStoresEverythingAndMakesItsFolder(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        const string spec = """{"name":"saxe two-layer","seed":7,"model":{"widths":[8,8,8]}}""";
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var run = store.CreateRun("saxe two-layer", spec, -7, "float64");
        Assert.Matches("^[0-9]{8}-[0-9]{6}-saxe-two-layer-[0-9a-f]{4}$", run.Id);
        Assert.Equal("saxe two-layer", run.Name);
        Assert.Equal(spec, run.SpecJson);
        Assert.Equal(RunStatus.Created, run.Status);
        Assert.Equal(-7, run.Seed);
        Assert.Equal("float64", run.DType);
        Assert.InRange(run.CreatedAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Null(run.StartedAt);
        Assert.Null(run.FinishedAt);
        Assert.Equal(0, run.StepsDone);
        Assert.Null(run.Error);
        Assert.Null(run.SummaryJson);
        Assert.Equal(Path.Combine(ts.FilesRoot, run.Id), run.Directory);
        Assert.Equal(ts.FilesRoot, store.FilesRoot);
        Assert.True(Directory.Exists(run.Directory));
        Assert.Equal(run.Directory, store.RunDirectory(run.Id));
        Assert.Equal(run, store.GetRun(run.Id));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void InvalidArgumentsAreRejectedBeforeAnythingIsWritten(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        Assert.Throws<ArgumentException>(() => store.CreateRun("x", "{not json", 1, "float64"));
        Assert.Throws<ArgumentException>(() => store.CreateRun("x", "{}", 1, ""));
        Assert.Empty(store.ListRuns());
        var run = store.CreateRun("x", "{}", 1, "float64");
        Assert.Throws<ArgumentException>(() => store.UpdateSummary(run.Id, "[1, 2]"));
        Assert.Throws<ArgumentException>(() => store.MarkFinished(run.Id, RunStatus.Running, 3));
        Assert.Throws<StoreException>(() => store.SetStatus("20990101-000000-nope-0000", RunStatus.Failed));
        Assert.Throws<StoreException>(() => store.OpenMetricWriter("20990101-000000-nope-0000"));
        Assert.Throws<StoreException>(() => store.RunDirectory("../escape"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void LifecycleTimestampsAndResumeKeepTheFirstStart(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 23, 18, 15, 2, 123, TimeSpan.Zero));
        using var store = ts.Open();
        ((SqlRunStore)store).Clock = clock;
        var run = store.CreateRun("life", "{}", 3, "float32");
        Assert.StartsWith("20261123-181502-life-", run.Id);
        Assert.Equal(clock.GetUtcNow(), run.CreatedAt);

        clock.Advance(TimeSpan.FromSeconds(1.5));
        var started = clock.GetUtcNow();
        store.MarkStarted(run.Id);
        store.UpdateProgress(run.Id, 1000);
        var r = store.GetRun(run.Id)!;
        Assert.Equal((RunStatus.Running, started, (DateTimeOffset?)null, 1000L), (r.Status, r.StartedAt!.Value, r.FinishedAt, r.StepsDone));

        clock.Advance(TimeSpan.FromMinutes(2));
        store.MarkFinished(run.Id, RunStatus.Stopped, 1500, "interrupted");
        r = store.GetRun(run.Id)!;
        Assert.Equal((RunStatus.Stopped, clock.GetUtcNow(), 1500L, "interrupted"), (r.Status, r.FinishedAt!.Value, r.StepsDone, r.Error));

        // Resume: running again, the original start kept, finish time and error cleared.
        clock.Advance(TimeSpan.FromHours(1));
        store.MarkStarted(run.Id);
        r = store.GetRun(run.Id)!;
        Assert.Equal((RunStatus.Running, started, (DateTimeOffset?)null, (string?)null), (r.Status, r.StartedAt!.Value, r.FinishedAt, r.Error));

        store.MarkFinished(run.Id, RunStatus.Diverged, 1712, "loss/train is nan at step 1712");
        store.UpdateSummary(run.Id, """{"theory/agreement":3.5e-05}""");
        r = store.GetRun(run.Id)!;
        Assert.Equal(RunStatus.Diverged, r.Status);
        Assert.Equal(3.5e-05, JsonDocument.Parse(r.SummaryJson!).RootElement.GetProperty("theory/agreement").GetDouble());

        store.SetStatus(run.Id, RunStatus.Failed, "boom");
        Assert.Equal((RunStatus.Failed, "boom"), (store.GetRun(run.Id)!.Status, store.GetRun(run.Id)!.Error));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void EveryStatusRoundTripsByName(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var run = store.CreateRun("s", "{}", 0, "float64");
        foreach (var status in Enum.GetValues<RunStatus>())
        {
            store.SetStatus(run.Id, status);
            Assert.Equal(status, store.GetRun(run.Id)!.Status);
            Assert.True(RunStatusNames.TryParse(status.ToName(), out var back) && back == status);
        }
        Assert.Equal(
            ["created", "running", "completed", "diverged", "failed", "stopped"],
            Enum.GetValues<RunStatus>().Select(s => s.ToName()).ToArray());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void GetRunAcceptsExactIdUniquePrefixAndLast(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var store = ts.Open();
        var sql = (SqlRunStore)store;
        sql.Clock = clock;
        var suffixes = new Queue<int>([0xa111, 0xa222, 0xb333]);
        sql.RandomSuffix = suffixes.Dequeue;
        var r1 = store.CreateRun("exp", "{}", 1, "float64"); // 20260301-120000-exp-a111
        var r2 = store.CreateRun("exp", "{}", 2, "float64"); // 20260301-120000-exp-a222 (same second)
        clock.Advance(TimeSpan.FromSeconds(5));
        var r3 = store.CreateRun("exp", "{}", 3, "float64"); // 20260301-120005-exp-b333

        Assert.Equal(r2.Id, store.GetRun(r2.Id)!.Id);
        Assert.Equal(r1.Id, store.GetRun("20260301-120000-exp-a1")!.Id);
        Assert.Equal(r3.Id, store.GetRun("20260301-120005")!.Id);
        Assert.Equal(r3.Id, store.GetRun("last")!.Id);
        Assert.Equal(r3.Id, store.GetRun("  last ")!.Id);
        Assert.Null(store.GetRun("2099"));
        Assert.Null(store.GetRun("20260301-120000-exp-a1%")); // no LIKE wildcards
        var ambiguous = Assert.Throws<StoreException>(() => store.GetRun("20260301-120000"));
        Assert.Contains(r1.Id, ambiguous.Message);
        Assert.Contains(r2.Id, ambiguous.Message);
        var missing = Assert.Throws<StoreException>(() => store.ResolveRun("nope"));
        Assert.Contains("nope", missing.Message);
        Assert.Equal([r1.Id, r2.Id, r3.Id], store.ListRuns().Select(r => r.Id).ToArray());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void LastOnAnEmptyStoreIsNull(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        Assert.Null(store.GetRun("last"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void IdCollisionsAreRetriedWithAFreshSuffix(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var sql = (SqlRunStore)store;
        sql.Clock = new ManualClock(new DateTimeOffset(2026, 11, 23, 18, 15, 2, TimeSpan.Zero));
        var suffixes = new Queue<int>([0x7f3a, 0x7f3a, 0x7f3a, 0x0001]);
        sql.RandomSuffix = suffixes.Dequeue;
        var a = store.CreateRun("saxe", "{}", 1, "float64");
        var b = store.CreateRun("saxe", "{}", 1, "float64");
        Assert.Equal("20261123-181502-saxe-7f3a", a.Id);
        Assert.Equal("20261123-181502-saxe-0001", b.Id);
        Assert.Empty(suffixes); // two collisions were drawn again
        Assert.Equal(2, store.ListRuns().Count);

        sql.RandomSuffix = () => 0x7f3a; // a broken random source must not loop forever
        Assert.ThrowsAny<System.Data.Common.DbException>(() => store.CreateRun("saxe", "{}", 1, "float64"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DeleteRunRemovesRowMetricsAndFolder(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var keep = store.CreateRun("keep", "{}", 1, "float64");
        var gone = store.CreateRun("gone", "{}", 1, "float64");
        foreach (var run in new[] { keep, gone })
        {
            using var w = store.OpenMetricWriter(run.Id);
            w.Append(0, 0, "loss/train", 1);
            w.AppendVector(0, 0, "hessian/density", [1, 2]);
        }
        File.WriteAllText(Path.Combine(gone.Directory, "step-0.safetensors"), "x");
        Assert.True(store.DeleteRun(gone.Id));
        Assert.False(store.DeleteRun(gone.Id));
        Assert.False(Directory.Exists(gone.Directory));
        Assert.Null(store.GetRun(gone.Id));
        Assert.Empty(store.ReadMetrics(gone.Id));
        Assert.Empty(store.ReadVectors(gone.Id));
        Assert.Single(store.ReadMetrics(keep.Id));
        Assert.Single(store.ReadVectors(keep.Id));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DisposedStoreRefusesWork(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        var store = ts.Open();
        store.Dispose();
        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => store.ListRuns());
    }
}
