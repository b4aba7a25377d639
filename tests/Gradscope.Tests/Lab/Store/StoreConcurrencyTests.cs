using Gradscope.Lab.Store;
using Xunit.Abstractions;

namespace Gradscope.Tests.Lab.Store;

public class StoreConcurrencyTests(ITestOutputHelper output)
{
    public static TheoryData<string> Backends => TestStore.Backends;

    /// <summary>
    /// Four writers, each with its own connection (as the sweep's worker processes will have),
    /// open a brand-new store at the same moment (racing the migrations), create runs, and
    /// commit many small metric batches and status updates at once. Nothing may fail with
    /// "database is locked" (SQLite) or a failed migration race (PostgreSQL), and every row must arrive exactly once.
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void FourWritersShareOneStoreWithoutLockFailuresOrLostRows(string backend)
    {
        const int writers = 4, runsPerWriter = 3, steps = 1500, batch = 128;
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var start = new Barrier(writers);
        var ids = new List<string>[writers];
        var errors = new List<Exception>();
        var threads = Enumerable.Range(0, writers).Select(t => new Thread(() =>
        {
            try
            {
                ids[t] = [];
                start.SignalAndWait();
                using var store = ts.Open();
                for (int k = 0; k < runsPerWriter; k++)
                {
                    var run = store.CreateRun($"worker-{t}", "{}", t * 100 + k, "float64");
                    ids[t].Add(run.Id);
                    store.MarkStarted(run.Id);
                    using (var w = store.OpenMetricWriter(run.Id, batch))
                    {
                        for (int s = 0; s < steps; s++)
                        {
                            w.Append(s, s * 0.01, "loss/train", t + k + 1.0 / (s + 1));
                            w.Append(s, s * 0.01, "grad_norm", s);
                            if (s % 500 == 0)
                            {
                                store.UpdateProgress(run.Id, s); // a status write between metric batches
                                w.AppendVector(s, s * 0.01, "hessian/density", [t, k, s]);
                            }
                        }
                    }
                    store.MarkFinished(run.Id, RunStatus.Completed, steps);
                    store.UpdateSummary(run.Id, $$"""{"worker":{{t}}}""");
                }
            }
            catch (Exception e)
            {
                lock (errors)
                {
                    errors.Add(e);
                }
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.Empty(errors);

        using var check = ts.Open();
        var runs = check.ListRuns();
        Assert.Equal(writers * runsPerWriter, runs.Count);
        Assert.Equal(runs.Count, runs.Select(r => r.Id).Distinct().Count());
        for (int t = 0; t < writers; t++)
        {
            for (int k = 0; k < runsPerWriter; k++)
            {
                var run = check.GetRun(ids[t][k])!;
                Assert.Equal((RunStatus.Completed, (long)steps), (run.Status, run.StepsDone));
                var loss = check.ReadMetrics(run.Id, ["loss/train"]).ToList();
                Assert.Equal(Enumerable.Range(0, steps).Select(s => (long)s), loss.Select(r => r.Step));
                Assert.Equal(t + k + 1.0 / 1500, loss[^1].Value);
                Assert.Equal(steps, check.ReadMetrics(run.Id, ["grad_norm"]).Count());
                Assert.Equal([0L, 500, 1000], check.ReadVectors(run.Id).Select(v => v.Step));
            }
        }
    }
}
