using System.Collections.Concurrent;
using System.Diagnostics;
using Gradscope.Lab.Store;
using Xunit.Abstractions;

namespace Gradscope.Tests.Lab.Store;

/// <summary>The sweeps' trial queue (<see cref="ISweepStore"/>) on SQLite and on PostgreSQL.</summary>
public class SweepStoreTests(ITestOutputHelper output)
{
    public static TheoryData<string> Backends => TestStore.Backends;

    private const string Spec = """{"name":"lr sweep","base":"saxe.yaml","axes":{"optimizer.lr":[0.01,0.1,1]}}""";

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static List<string> Axes(int n) => Enumerable.Range(0, n).Select(i => $$"""{"optimizer.lr":{{0.01 * (i + 1)}},"seed":{{i}}}""").ToList();

    private static ManualClock Clock(params IRunStore[] stores)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero));
        foreach (var s in stores)
        {
            ((SqlRunStore)s).Clock = clock;
        }
        return clock;
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void CreateSweepQueuesOneTrialPerPointAndIsIdempotent(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var clock = Clock(store);
        var axes = Axes(3);
        var sweep = store.CreateSweep("LR sweep", Spec, axes);
        Assert.Equal(("lr-sweep", "LR sweep", Spec, 3, 3, true), (sweep.Id, sweep.Name, sweep.SpecJson, sweep.Trials, sweep.Queued, sweep.Queued == sweep.Trials));
        Assert.False(sweep.IsDone);
        Assert.Equal(clock.GetUtcNow(), sweep.CreatedAt);
        var trials = store.ListTrials("lr-sweep");
        Assert.Equal([0, 1, 2], trials.Select(t => t.Trial));
        Assert.Equal(axes, trials.Select(t => t.AxesJson));
        Assert.All(trials, t => Assert.Equal((TrialStatus.Queued, (string?)null, (string?)null, 0), (t.Status, t.RunId, t.Worker, t.Attempts)));

        // Work on it: trial 0 completed, 1 failed, 2 running.
        var t0 = store.ClaimTrial("lr-sweep", "w", Lease)!;
        Assert.True(store.FinishTrial(t0.SweepId, t0.Trial, "w", TrialStatus.Completed, "run-0"));
        var t1 = store.ClaimTrial("lr-sweep", "w", Lease)!;
        Assert.True(store.FinishTrial(t1.SweepId, t1.Trial, "w", TrialStatus.Failed, "run-1", "boom"));
        var t2 = store.ClaimTrial("lr-sweep", "w", Lease)!;
        Assert.Equal(2, t2.Trial);

        // The same sweep again (the spec re-serialised: other whitespace and key order): nothing changes.
        clock.Advance(TimeSpan.FromMinutes(5));
        const string sameSpec = """{ "base": "saxe.yaml", "axes": { "optimizer.lr": [0.01, 0.1, 1] }, "name": "lr sweep" }""";
        var again = store.CreateSweep("lr sweep", sameSpec, axes);
        Assert.Equal((3, 0, 1, 1, 0, 1), (again.Trials, again.Queued, again.Running, again.Completed, again.Diverged, again.Failed));
        Assert.Equal(sweep.CreatedAt, again.CreatedAt);
        Assert.Equal(("run-0", TrialStatus.Completed), (store.ListTrials("lr-sweep")[0].RunId, store.ListTrials("lr-sweep")[0].Status));

        // ... and with retryFailed the failed trial is queued afresh; finished and running ones stay.
        var retried = store.CreateSweep("lr sweep", Spec, axes, retryFailed: true);
        Assert.Equal((1, 1, 1, 0), (retried.Queued, retried.Running, retried.Completed, retried.Failed));
        var t1Again = store.ListTrials("lr-sweep")[1];
        Assert.Equal((TrialStatus.Queued, (string?)null, 0, (string?)null), (t1Again.Status, t1Again.RunId, t1Again.Attempts, t1Again.Error));

        // A different sweep under the same name is refused, not merged.
        Assert.Contains("different spec", Assert.Throws<StoreException>(() => store.CreateSweep("LR sweep", """{"other":1}""", axes)).Message);
        Assert.Contains("3 trials, not 4", Assert.Throws<StoreException>(() => store.CreateSweep("LR sweep", Spec, Axes(4))).Message);
        var changed = Axes(3);
        changed[1] = """{"optimizer.lr":0.5}""";
        Assert.Contains("trial 1", Assert.Throws<StoreException>(() => store.CreateSweep("LR sweep", Spec, changed)).Message);

        Assert.Throws<ArgumentException>(() => store.CreateSweep("x", Spec, ["[1, 2]"]));
        Assert.Throws<ArgumentException>(() => store.CreateSweep("x", "{not json", []));
        Assert.Throws<ArgumentException>(() => store.CreateSweep("---", Spec, []));
        Assert.Null(store.GetSweep("x")); // nothing half-made
    }

    /// <summary>A store made before sweeps existed (schema version 1) gains them on opening, keeping its runs.</summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void AVersionOneStoreIsMigratedToSweeps(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        string runId;
        using (var store = ts.Open())
        {
            runId = store.CreateRun("old", "{}", 1, "float64").Id;
        }
        ts.Execute("DROP TABLE trials");
        ts.Execute("DROP TABLE sweeps");
        ts.Execute("DELETE FROM schema_version WHERE version >= 2");
        using (var store = ts.Open())
        {
            Assert.Equal(StoreMigrations.LatestVersion, ((SqlRunStore)store).SchemaVersion);
            Assert.NotNull(store.GetRun(runId));
            Assert.Equal(2, store.CreateSweep("after upgrade", "{}", Axes(2)).Queued);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void GetAndListSweepsCountTrialsByStatus(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var clock = Clock(store);
        store.CreateSweep("b first", "{}", Axes(2));
        clock.Advance(TimeSpan.FromSeconds(1));
        store.CreateSweep("a second", "{}", Axes(1));
        var t = store.ClaimTrial("b-first", "w", Lease)!;
        store.FinishTrial(t.SweepId, t.Trial, "w", TrialStatus.Diverged, "r");
        Assert.Equal(["b-first", "a-second"], store.ListSweeps().Select(s => s.Id));
        var b = store.GetSweep("B First")!; // a name finds its sweep too
        Assert.Equal((2, 1, 0, 1), (b.Trials, b.Queued, b.Running, b.Diverged));
        Assert.Equal(clock.GetUtcNow(), b.UpdatedAt);
        Assert.Null(store.GetSweep("nope"));
        Assert.Empty(store.ListTrials("nope"));
        Assert.Null(store.ClaimTrial("nope", "w", Lease));
        Assert.Equal("a-b-c-1", SweepIds.FromName("  A b__C! 1 "));
        Assert.Equal(SweepIds.MaxLength, SweepIds.FromName(new string('x', 100)).Length);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void ClaimRenewAttachAndFinishOnlyWhileHoldingTheLease(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var clock = Clock(store);
        store.CreateSweep("life", "{}", Axes(1));
        var t = store.ClaimTrial(null, "worker-a", Lease)!;
        Assert.Equal(("life", 0, TrialStatus.Running, "worker-a", 1), (t.SweepId, t.Trial, t.Status, t.Worker, t.Attempts));
        Assert.Equal(clock.GetUtcNow() + Lease, t.LeaseUntil);
        Assert.Null(store.ClaimTrial(null, "worker-b", Lease)); // held

        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(store.RenewLease("life", 0, "worker-a", Lease));
        Assert.Equal(clock.GetUtcNow() + Lease, store.ListTrials("life")[0].LeaseUntil);
        Assert.False(store.RenewLease("life", 0, "worker-b", Lease)); // not the holder
        Assert.False(store.AttachRun("life", 0, "worker-b", "r"));
        Assert.False(store.FinishTrial("life", 0, "worker-b", TrialStatus.Completed, "r"));
        Assert.True(store.AttachRun("life", 0, "worker-a", "run-a"));
        Assert.Equal("run-a", store.ListTrials("life")[0].RunId);

        Assert.Throws<ArgumentException>(() => store.FinishTrial("life", 0, "worker-a", TrialStatus.Running, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.RenewLease("life", 0, "worker-a", TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.ClaimTrial(null, "w", TimeSpan.FromSeconds(-1)));

        Assert.True(store.FinishTrial("life", 0, "worker-a", TrialStatus.Completed, runId: null)); // keeps the attached run
        var done = store.ListTrials("life")[0];
        Assert.Equal((TrialStatus.Completed, "run-a", (DateTimeOffset?)null), (done.Status, done.RunId, done.LeaseUntil));
        Assert.False(store.RenewLease("life", 0, "worker-a", Lease)); // finished: nothing to renew
        Assert.False(store.FinishTrial("life", 0, "worker-a", TrialStatus.Failed, null)); // and it cannot be finished twice
        Assert.Null(store.ClaimTrial(null, "worker-a", Lease));
        Assert.True(store.GetSweep("life")!.IsDone);
    }

    /// <summary>
    /// A worker dies (stops renewing): once its lease has expired the trial goes to the next claimer,
    /// with attempts + 1 and the same run, which the new worker resumes; the dead worker's late calls fail.
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void ExpiredLeaseRequeuesTheTrialOfADeadWorker(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var a = ts.Open();
        using var b = ts.Open();
        var clock = Clock(a, b);
        a.CreateSweep("lease", "{}", Axes(2));
        var ta = a.ClaimTrial("lease", "worker-a", Lease)!;
        Assert.True(a.AttachRun("lease", ta.Trial, "worker-a", "run-of-a"));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(a.RenewLease("lease", ta.Trial, "worker-a", Lease)); // lease now until +40 s

        var tb = b.ClaimTrial("lease", "worker-b", Lease)!; // the other trial
        Assert.Equal(1, tb.Trial);
        Assert.True(b.FinishTrial("lease", 1, "worker-b", TrialStatus.Completed, "run-of-b"));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(b.ClaimTrial("lease", "worker-b", Lease)); // +39 s: a's lease still holds

        // worker-a has died: no more renewals.
        clock.Advance(TimeSpan.FromSeconds(2)); // +41 s
        var taken = b.ClaimTrial("lease", "worker-b", Lease)!;
        Assert.Equal((0, TrialStatus.Running, "worker-b", 2, "run-of-a"), (taken.Trial, taken.Status, taken.Worker, taken.Attempts, taken.RunId));
        Assert.False(a.RenewLease("lease", 0, "worker-a", Lease));
        Assert.False(a.AttachRun("lease", 0, "worker-a", "another"));
        Assert.False(a.FinishTrial("lease", 0, "worker-a", TrialStatus.Completed, "run-of-a"));
        Assert.True(b.FinishTrial("lease", 0, "worker-b", TrialStatus.Completed, "run-of-a"));
        var sweep = b.GetSweep("lease")!;
        Assert.Equal((2, true), (sweep.Completed, sweep.IsDone));
        Assert.Equal([2, 1], b.ListTrials("lease").Select(t => t.Attempts));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void ATrialWhoseWorkersKeepDyingFailsAtTheAttemptLimit(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var clock = Clock(store);
        store.CreateSweep("oom", "{}", Axes(1));
        Assert.Equal(1, store.ClaimTrial("oom", "w1", Lease, maxAttempts: 2)!.Attempts);
        clock.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(2, store.ClaimTrial("oom", "w2", Lease, maxAttempts: 2)!.Attempts);
        clock.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Null(store.ClaimTrial("oom", "w3", Lease, maxAttempts: 2));
        var t = store.ListTrials("oom")[0];
        Assert.Equal((TrialStatus.Failed, 2), (t.Status, t.Attempts));
        Assert.Contains("gave up after 2 attempts", t.Error);
        Assert.Contains("w2", t.Error);
        Assert.Equal(1, store.GetSweep("oom")!.Failed);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void ReleasedTrialIsClaimableAtOnceAndKeepsItsRun(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        store.CreateSweep("ctrl-c", "{}", Axes(1));
        var t = store.ClaimTrial("ctrl-c", "w1", Lease)!;
        store.AttachRun("ctrl-c", t.Trial, "w1", "run-1");
        Assert.False(store.ReleaseTrial("ctrl-c", t.Trial, "w2"));
        Assert.True(store.ReleaseTrial("ctrl-c", t.Trial, "w1"));
        Assert.False(store.RenewLease("ctrl-c", t.Trial, "w1", Lease));
        var again = store.ClaimTrial("ctrl-c", "w2", Lease)!; // no waiting for the lease
        Assert.Equal((0, "run-1", 2, "w2"), (again.Trial, again.RunId, again.Attempts, again.Worker));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void ClaimsTakeTheOldestSweepFirstUnlessOneIsNamed(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var clock = Clock(store);
        store.CreateSweep("zz old", "{}", Axes(2));
        clock.Advance(TimeSpan.FromSeconds(1));
        store.CreateSweep("aa new", "{}", Axes(2));
        Assert.Equal(("aa-new", 0), Key(store.ClaimTrial("aa-new", "w", Lease)!));
        Assert.Equal(("zz-old", 0), Key(store.ClaimTrial(null, "w", Lease)!));
        Assert.Equal(("zz-old", 1), Key(store.ClaimTrial(null, "w", Lease)!));
        Assert.Equal(("aa-new", 1), Key(store.ClaimTrial(null, "w", Lease)!));
        Assert.Null(store.ClaimTrial(null, "w", Lease));

        static (string, int) Key(TrialInfo t) => (t.SweepId, t.Trial);
    }

    /// <summary>
    /// Four workers, each with a connection of its own (as worker processes have), drain a queue of
    /// 160 trials at once: every trial is claimed exactly once, nobody fails on a lock
    /// ("database is locked" on SQLite), and all end completed. Also creates the sweep from all
    /// four at the same moment (idempotent creation racing itself).
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void ConcurrentWorkersClaimEveryTrialExactlyOnce(string backend)
    {
        const int workers = 4, trials = 160;
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        ts.Open().Dispose(); // the store exists; the sweep does not yet
        var claims = new ConcurrentBag<(int Trial, string Worker)>();
        var errors = new ConcurrentQueue<Exception>();
        using var start = new Barrier(workers);
        var sw = new Stopwatch();
        var threads = Enumerable.Range(0, workers).Select(k => new Thread(() =>
        {
            try
            {
                using var store = ts.Open();
                string me = $"worker-{k}";
                start.SignalAndWait();
                sw.Start();
                store.CreateSweep("race", "{}", Axes(trials));
                while (store.ClaimTrial("race", me, Lease) is { } t)
                {
                    claims.Add((t.Trial, me));
                    if (!store.AttachRun("race", t.Trial, me, $"run-{t.Trial}") || !store.RenewLease("race", t.Trial, me, Lease)
                        || !store.FinishTrial("race", t.Trial, me, TrialStatus.Completed, null))
                    {
                        throw new InvalidOperationException($"{me} lost trial {t.Trial} it had just claimed");
                    }
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        sw.Stop();
        Assert.Empty(errors);
        Assert.Equal(Enumerable.Range(0, trials), claims.Select(c => c.Trial).Order());
        using var check = ts.Open();
        var sweep = check.GetSweep("race")!;
        Assert.Equal((trials, trials, true), (sweep.Trials, sweep.Completed, sweep.IsDone));
        var rows = check.ListTrials("race");
        Assert.All(rows, t => Assert.Equal((1, $"run-{t.Trial}"), (t.Attempts, t.RunId)));
        var perWorker = claims.GroupBy(c => c.Worker).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(rows, t => Assert.Equal(claims.Single(c => c.Trial == t.Trial).Worker, t.Worker));
        output.WriteLine(
            $"{backend}: {trials} trials (claim + attach + renew + finish = 4 transactions each) by {workers} workers in {sw.Elapsed.TotalSeconds:F2} s " +
            $"= {trials / sw.Elapsed.TotalSeconds:F0} trials/s; per worker {string.Join(", ", perWorker.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");
    }

    /// <summary>
    /// Resume semantics across workers: a worker logs through step 80 of a run with a checkpoint at
    /// step 50 and dies; the worker that re-claims the trial gets the run, deletes what was logged
    /// after the checkpoint and logs from step 51 again: every (name, step) is in the store exactly once.
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void ReclaimedTrialResumesItsRunWithoutDuplicateMetrics(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        string[] names = ["loss/train", "grad_norm"];
        using var a = ts.Open();
        using var b = ts.Open();
        var clock = Clock(a, b);
        a.CreateSweep("resume", "{}", Axes(1));
        var ta = a.ClaimTrial("resume", "worker-a", Lease)!;
        var run = a.CreateRun("resume-t0", "{}", 1, "float64");
        Assert.True(a.AttachRun("resume", ta.Trial, "worker-a", run.Id));
        a.MarkStarted(run.Id);
        using (var w = a.OpenMetricWriter(run.Id, batchSize: 16))
        {
            for (int s = 0; s <= 80; s++)
            {
                foreach (string n in names)
                {
                    w.Append(s, s * 0.1, n, s);
                }
                if (s == 50)
                {
                    w.Flush(); // checkpoint at step 50
                    a.UpdateProgress(run.Id, 50);
                }
            }
        } // ... and then the worker is gone

        clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var tb = b.ClaimTrial("resume", "worker-b", Lease)!;
        Assert.Equal((run.Id, 2), (tb.RunId, tb.Attempts));
        long checkpoint = b.GetRun(tb.RunId!)!.StepsDone;
        Assert.Equal(50, checkpoint);
        Assert.Equal(30 * names.Length, b.DeleteMetricsAfter(run.Id, checkpoint));
        b.MarkStarted(run.Id);
        using (var w = b.OpenMetricWriter(run.Id, batchSize: 16))
        {
            for (long s = checkpoint + 1; s < 100; s++)
            {
                foreach (string n in names)
                {
                    w.Append(s, s * 0.1, n, s);
                }
            }
        }
        b.MarkFinished(run.Id, RunStatus.Completed, 100);
        Assert.True(b.FinishTrial("resume", 0, "worker-b", TrialStatus.Completed, run.Id));
        var rows = b.ReadMetrics(run.Id).ToList();
        Assert.Equal(100 * names.Length, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => (r.Name, r.Step)).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(r.Step, r.Value));
    }
}
