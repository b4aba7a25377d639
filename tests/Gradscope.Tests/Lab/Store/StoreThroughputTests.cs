using System.Diagnostics;
using Gradscope.Lab.Store;
using Xunit.Abstractions;

namespace Gradscope.Tests.Lab.Store;

/// <summary>
/// Metric insert throughput of the writers (synchronous, so the time is the database's), per backend
/// and, for PostgreSQL, binary COPY against multi-row INSERT, at several batch sizes (the writer's
/// default is 4096; the smaller ones are what a run that flushes often, e.g. at every checkpoint or
/// every 5 s with few metrics, sends). Prints rows/s, median and best of 5, and the machine's load; the
/// numbers are in docs/store.md. Asserts only that every row arrived: timings on a shared 2-core
/// machine are noisy. Run with
/// <c>dotnet test tests/Gradscope.Tests -c Release --filter "FullyQualifiedName~StoreThroughput" --logger "console;verbosity=detailed"</c>.
/// </summary>
public class StoreThroughputTests(ITestOutputHelper output)
{
    private static readonly string[] Names = ["loss/train", "grad_norm", "param_norm"];

    [Theory]
    [InlineData("sqlite", "auto")]
    [InlineData("postgres", "copy")]
    [InlineData("postgres", "insert")]
    public void MetricInsertRowsPerSecond(string backend, string mode)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        output.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (int batch in (int[])[4096, 256, 64, 16])
        {
            int rows = Math.Min(60_000, batch * 250);
            Time(store, mode, batch, Math.Min(rows, 4096)); // warm-up: JIT, prepared statements, caches
            var seconds = new List<double>();
            for (int rep = 0; rep < 5; rep++)
            {
                seconds.Add(Time(store, mode, batch, rows));
            }
            double median = seconds.Order().ElementAt(2), best = seconds.Min();
            output.WriteLine(
                $"{backend,-8} {mode,-6} batch {batch,5}: {rows,6:N0} rows in {median * 1e3,7:F1} ms = {rows / median,10:N0} rows/s median of 5, " +
                $"best {rows / best,10:N0} rows/s");
        }
        output.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static double Time(IRunStore store, string mode, int batch, int rows)
    {
        var run = store.CreateRun("throughput", "{}", 1, "float64");
        var sw = Stopwatch.StartNew();
        using (var w = store.OpenMetricWriter(run.Id, batch, background: false))
        {
            if (w is PostgresMetricWriter pg)
            {
                pg.Mode = mode switch
                {
                    "copy" => PostgresInsertMode.Copy,
                    "insert" => PostgresInsertMode.Insert,
                    _ => PostgresInsertMode.Auto,
                };
            }
            double loss = 1;
            for (int i = 0; i < rows; i++)
            {
                long step = i / Names.Length;
                loss *= 0.9999;
                w.Append(step, 0.01 * step, Names[i % Names.Length], loss);
            }
        }
        double seconds = sw.Elapsed.TotalSeconds;
        Assert.Equal(rows, store.ReadMetrics(run.Id).Count());
        return seconds;
    }
}
