using System.Data.Common;
using Gradscope.Lab.Store;
using Xunit.Abstractions;

namespace Gradscope.Tests.Lab.Store;

/// <summary>Metric writing and reading, on SQLite and on PostgreSQL (see <see cref="TestStore"/>).</summary>
public class MetricStoreTests(ITestOutputHelper output)
{
    public static TheoryData<string> Backends => TestStore.Backends;

    public static TheoryData<string, int, bool> BackendsBatchesModes()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (string backend in TestStore.BackendNames)
        {
            foreach (var (batch, background) in new[] { (4096, true), (100, true), (7, true), (4096, false), (7, false) })
            {
                data.Add(backend, batch, background);
            }
        }
        return data;
    }

    public static TheoryData<string, bool> BackendsAndModes()
    {
        var data = new TheoryData<string, bool>();
        foreach (string backend in TestStore.BackendNames)
        {
            data.Add(backend, true);
            data.Add(backend, false);
        }
        return data;
    }

    private static readonly string[] Names = ["loss/train", "grad_norm", "mode/1", "accuracy/train"];

    /// <summary>A value that differs per (step, name) so misplaced rows are caught.</summary>
    private static double ValueOf(long step, int k) => Math.Sin(0.37 * step + k) * Math.Pow(10, k - 2);

    private static List<MetricRow> StepMajorRows(long fromStep, long toStep)
    {
        var rows = new List<MetricRow>();
        for (long s = fromStep; s <= toStep; s++)
        {
            for (int k = 0; k < Names.Length; k++)
            {
                rows.Add(new MetricRow(s, 0.01 * s, Names[k], ValueOf(s, k)));
            }
        }
        return rows;
    }

    private static List<MetricRow> ByNameThenStep(IEnumerable<MetricRow> rows) =>
        rows.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Step).ToList();

    [Theory]
    [MemberData(nameof(Backends))]
    public void WriterBuffersUntilTheBatchIsFullThenCommitsItAtOnce(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        using var other = ts.Open(); // a second connection, as `gradscope show` would be
        var run = store.CreateRun("buffer", "{}", 1, "float64");
        using (var w = store.OpenMetricWriter(run.Id, batchSize: 100, background: false))
        {
            w.FlushInterval = TimeSpan.FromHours(1);
            for (int i = 0; i < 99; i++)
            {
                w.Append(i, i, "x", i);
            }
            Assert.Equal(99, w.Pending);
            Assert.Empty(other.ReadMetrics(run.Id));
            w.Append(99, 99, "x", 99);
            Assert.Equal(0, w.Pending);
            Assert.Equal(100, w.RowsWritten);
            Assert.Equal(100, other.ReadMetrics(run.Id).Count());
            for (int i = 100; i < 137; i++)
            {
                w.Append(i, i, "x", i);
            }
            Assert.Equal(100, other.ReadMetrics(run.Id).Count());
        }
        // Dispose flushed the tail.
        Assert.Equal(Enumerable.Range(0, 137).Select(i => (double)i), other.ReadMetrics(run.Id).Select(r => r.Value));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void WriterFlushesOnItsIntervalSoWatchersSeeProgress(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        using var other = ts.Open();
        var run = store.CreateRun("interval", "{}", 1, "float64");
        using var w = store.OpenMetricWriter(run.Id, background: false);
        w.FlushInterval = TimeSpan.Zero; // the clock is consulted every 256 rows
        for (int i = 0; i < 255; i++)
        {
            w.Append(i, i, "loss/train", i);
        }
        Assert.Empty(other.ReadMetrics(run.Id));
        w.Append(255, 255, "loss/train", 255);
        Assert.Equal(256, other.ReadMetrics(run.Id).Count());
        w.AppendVector(256, 256, "hessian/density", [1]); // ... and on every vector record
        Assert.Single(other.ReadVectors(run.Id));

        w.FlushInterval = TimeSpan.FromHours(1);
        for (int i = 256; i < 1024; i++)
        {
            w.Append(i, i, "loss/train", i);
        }
        Assert.Equal(256, other.ReadMetrics(run.Id).Count());
        w.Flush();
        Assert.Equal(1024, other.ReadMetrics(run.Id).Count());
    }

    [Theory]
    [MemberData(nameof(BackendsBatchesModes))]
    public void MetricsReadBackByNameThenStepWithOptionalNameFilter(string backend, int batchSize, bool background)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var run = store.CreateRun("order", "{}", 1, "float64");
        var noise = store.CreateRun("other", "{}", 2, "float64");
        var rows = StepMajorRows(0, 250);
        using (var w = store.OpenMetricWriter(run.Id, batchSize, background))
        {
            Assert.Equal(background, w.Background);
            foreach (var r in rows)
            {
                w.Append(r);
            }
        }
        using (var w = store.OpenMetricWriter(noise.Id))
        {
            w.Append(5, 5, "loss/train", -1);
        }
        Assert.Equal(ByNameThenStep(rows), store.ReadMetrics(run.Id).ToList());
        Assert.Equal(
            ByNameThenStep(rows.Where(r => r.Name is "mode/1" or "grad_norm")),
            store.ReadMetrics(run.Id, ["mode/1", "grad_norm", "not-there"]).ToList());
        Assert.Equal(ByNameThenStep(rows), store.ReadMetrics(run.Id, []).ToList());
        Assert.Equal(Names.Order(StringComparer.Ordinal), store.MetricNames(run.Id));
        Assert.Equal(["loss/train"], store.MetricNames(noise.Id));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void BackgroundWriterCommitsEverythingByFlushAndCountsIt(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        using var other = ts.Open();
        var run = store.CreateRun("background", "{}", 1, "float64");
        using var w = store.OpenMetricWriter(run.Id, batchSize: 64);
        var rows = StepMajorRows(0, 999); // 4,000 rows: 62 full batches through the bounded queue, and a tail
        foreach (var r in rows)
        {
            w.Append(r);
        }
        w.AppendVector(999, 9.99, "hessian/density", [1, 2]);
        Assert.InRange(w.Pending, 1, rows.Count + 1);
        w.Flush();
        Assert.Equal((0, (long)rows.Count, 1L), (w.Pending, w.RowsWritten, w.VectorsWritten));
        Assert.Equal(ByNameThenStep(rows), other.ReadMetrics(run.Id).ToList());
        Assert.Single(other.ReadVectors(run.Id));
    }

    [Theory]
    [MemberData(nameof(BackendsAndModes))]
    public void WriteFailuresSurfaceOnTheTrainingThreadAndBreakTheWriter(string backend, bool background)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var run = store.CreateRun("broken", "{}", 1, "float64");
        var w = store.OpenMetricWriter(run.Id, batchSize: 8, background: background);
        w.Append(0, 0, "x", 1);
        w.Flush();
        ts.Execute("DROP TABLE metrics");
        for (int i = 1; i <= 7; i++)
        {
            w.Append(i, i, "x", i);
        }
        if (background)
        {
            w.Append(8, 8, "x", 8); // hands the batch to the background thread, which fails
            Assert.ThrowsAny<DbException>(() => w.Flush());
        }
        else
        {
            Assert.ThrowsAny<DbException>(() => w.Append(8, 8, "x", 8));
        }
        Assert.ThrowsAny<DbException>(() => w.Append(9, 9, "x", 9));
        Assert.ThrowsAny<DbException>(() => w.Dispose());
        Assert.Throws<ObjectDisposedException>(() => w.Append(9, 9, "x", 9));
    }

    public static TheoryData<string, int> BackendsAndSmallLargeBatches()
    {
        // PostgreSQL writes a batch of 4 by INSERT, one of 100 by COPY.
        var data = new TheoryData<string, int>();
        foreach (string backend in TestStore.BackendNames)
        {
            data.Add(backend, 4);
            data.Add(backend, 100);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BackendsAndSmallLargeBatches))]
    public void AFailedBatchLeavesNoPartOfItBehind(string backend, int batch)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        using var other = ts.Open();
        var run = store.CreateRun("atomic", "{}", 1, "float64");
        ts.FailInsertsAtStep(batch + 1);
        var w = store.OpenMetricWriter(run.Id, batchSize: batch, background: false);
        for (int i = 0; i < batch; i++)
        {
            w.Append(i, i, "x", i); // the first batch commits
        }
        for (int i = batch; i < 2 * batch - 1; i++)
        {
            w.Append(i, i, "x", i);
        }
        var e = Assert.ThrowsAny<DbException>(() => w.Append(2 * batch - 1, 0, "x", 0)); // the second batch hits the failing row
        Assert.Contains("boom", e.Message);
        Assert.Equal(Enumerable.Range(0, batch).Select(i => (long)i), other.ReadMetrics(run.Id).Select(r => r.Step)); // not step `batch`
        Assert.ThrowsAny<Exception>(() => w.Dispose());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void NonFiniteAndExtremeDoublesRoundTrip(string backend)
    {
        double[] specials =
        [
            double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.MinValue,
            double.Epsilon, -double.Epsilon, 2.2250738585072014e-308, 0.1 + 0.2, 1e300, -1.0 / 3, 0.0,
        ];
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var run = store.CreateRun("specials", "{}", 1, "float64");
        using (var w = store.OpenMetricWriter(run.Id))
        {
            for (int i = 0; i < specials.Length; i++)
            {
                // The same special in the value and (reversed) in the time column.
                w.Append(i, specials[^(i + 1)], "v", specials[i]);
            }
        }
        var back = store.ReadMetrics(run.Id).ToList();
        Assert.Equal(specials.Length, back.Count);
        for (int i = 0; i < specials.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(specials[i]), BitConverter.DoubleToInt64Bits(back[i].Value));
            Assert.Equal(BitConverter.DoubleToInt64Bits(specials[^(i + 1)]), BitConverter.DoubleToInt64Bits(back[i].Time));
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DeleteMetricsAfterLetsAResumedRunContinueWithoutDuplicates(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var run = store.CreateRun("resume", "{}", 1, "float64");
        var bystander = store.CreateRun("bystander", "{}", 1, "float64");
        var all = StepMajorRows(0, 99);
        // First attempt: logged through step 80 and a vector at every 10th step, then "killed".
        using (var w = store.OpenMetricWriter(run.Id))
        {
            foreach (var r in all.Where(r => r.Step <= 80))
            {
                w.Append(r);
            }
            for (long s = 0; s <= 80; s += 10)
            {
                w.AppendVector(s, 0.01 * s, "hessian/density", [s, s + 1]);
            }
        }
        using (var w = store.OpenMetricWriter(bystander.Id))
        {
            foreach (var r in all)
            {
                w.Append(r);
            }
        }
        // Resume from the checkpoint at step 50: steps 51..80 go (30 steps x 4 names + vectors at 60, 70, 80).
        Assert.Equal(30 * Names.Length + 3, store.DeleteMetricsAfter(run.Id, 50));
        Assert.Equal(50, store.ReadMetrics(run.Id).Max(r => r.Step));
        using (var w = store.OpenMetricWriter(run.Id))
        {
            foreach (var r in all.Where(r => r.Step > 50))
            {
                w.Append(r);
            }
            for (long s = 60; s <= 90; s += 10)
            {
                w.AppendVector(s, 0.01 * s, "hessian/density", [s, s + 1]);
            }
        }
        Assert.Equal(ByNameThenStep(all), store.ReadMetrics(run.Id).ToList());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 10L * i), store.ReadVectors(run.Id).Select(v => v.Step));
        Assert.Equal(all.Count, store.ReadMetrics(bystander.Id).Count());
        Assert.Equal(0, store.DeleteMetricsAfter(run.Id, 1000));
        Assert.Throws<StoreException>(() => store.DeleteMetricsAfter("20990101-000000-nope-0000", 0));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void VectorsRoundTripIncludingNonFiniteEntries(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var run = store.CreateRun("vectors", "{}", 1, "float64");
        double[] density = [0.25, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e-310, 0.1 + 0.2];
        store.AppendVector(run.Id, 20, 0.2, "hessian/density", density);
        using (var w = store.OpenMetricWriter(run.Id))
        {
            w.AppendVector(10, 0.1, "hessian/density", [1, 2, 3]);
            w.AppendVector(10, 0.1, "hessian/grid", []);
            w.Append(10, 0.1, "loss/train", 0.5);
        }
        var all = store.ReadVectors(run.Id);
        Assert.Equal([("hessian/density", 10L), ("hessian/density", 20L), ("hessian/grid", 10L)], all.Select(v => (v.Name, v.Step)));
        Assert.Equal([1.0, 2, 3], all[0].Values);
        Assert.Equal(0.1, all[0].Time);
        Assert.Equal(density.Select(BitConverter.DoubleToInt64Bits), all[1].Values.Select(BitConverter.DoubleToInt64Bits));
        Assert.Empty(all[2].Values);
        Assert.Single(store.ReadVectors(run.Id, ["hessian/grid"]));
        Assert.Equal(["loss/train"], store.MetricNames(run.Id)); // vectors are not scalar metrics
    }

    [Fact]
    public void VectorJsonIsPlainJsonWithNamedNonFiniteLiterals()
    {
        string json = StoreValues.VectorToJson([1.5, double.NaN, double.NegativeInfinity, double.PositiveInfinity]);
        Assert.Equal("""[1.5,"NaN","-Infinity","Infinity"]""", json);
        Assert.Throws<StoreException>(() => StoreValues.VectorFromJson("""[1, "bogus"]"""));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void DisposedWriterRefusesRows(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var run = store.CreateRun("w", "{}", 1, "float64");
        var w = store.OpenMetricWriter(run.Id);
        w.Dispose();
        Assert.Throws<ObjectDisposedException>(() => w.Append(0, 0, "x", 1));
        using var w2 = store.OpenMetricWriter(run.Id);
        Assert.Throws<ArgumentException>(() => w2.Append(0, 0, "", 1));
    }
}
