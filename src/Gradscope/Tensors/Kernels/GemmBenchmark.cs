using System.Diagnostics;
using System.Numerics;
using Gradscope.Tensors.Native;

namespace Gradscope.Tensors.Kernels;

/// <summary>One measured (size, dtype, backend) point of <see cref="GemmBenchmark"/>.</summary>
/// <param name="N">Square size: C[n,n] = A[n,n] B[n,n].</param>
/// <param name="DType">float64 or float32.</param>
/// <param name="Backend">The backend requested.</param>
/// <param name="Effective">The backend that actually ran (Auto resolved; OpenBlas falls back to Managed when absent).</param>
/// <param name="GFlops">2 n^3 / median seconds / 1e9.</param>
/// <param name="MedianSeconds">Median time of one product over the repeats.</param>
public sealed record GemmBenchmarkResult(int N, string DType, GemmBackend Backend, GemmBackend Effective,
    double GFlops, double MedianSeconds);

/// <summary>The outcome of <see cref="GemmBenchmark.Run"/>.</summary>
/// <param name="Results">One entry per size x dtype x backend, in that nesting order.</param>
/// <param name="RerunRepeats">Repeats discarded and re-run because other processes used the CPUs.</param>
/// <param name="DisturbedRepeats">Repeats kept although disturbed (retry or waiting budget exhausted).</param>
public sealed record GemmBenchmarkReport(IReadOnlyList<GemmBenchmarkResult> Results, int RerunRepeats, int DisturbedRepeats);

/// <summary>
/// Measures square GEMM throughput (<c>C = A B</c>, n x n x n, random data in [-1, 1)). The machine
/// is shared and noisy, so: backends are measured interleaved (repeat r of every backend before
/// repeat r + 1 of any); each repeat times enough calls to last ~<see cref="SampleSeconds"/>; on
/// Linux a repeat during which other processes (or the hypervisor, as steal time) used a noticeable
/// share of the CPUs is discarded and re-run, up to <see cref="MaxRetries"/> times (see
/// <see cref="CpuInterference"/>); and the median repeat is reported. A ratio between backends from
/// one run is meaningful even when the absolute numbers drift.
/// </summary>
public static class GemmBenchmark
{
    /// <summary>The dtype names accepted by <see cref="Run"/>.</summary>
    public static IReadOnlyList<string> DTypes { get; } = ["float64", "float32"];

    /// <summary>Target duration of one timed repeat (many calls for small n, one for large n).</summary>
    internal static double SampleSeconds { get; set; } = 0.05;

    /// <summary>Untimed warm-up per (size, dtype, backend): lets tiered JIT and OpenBLAS threads settle.</summary>
    internal static double WarmupSeconds { get; set; } = 0.1;

    /// <summary>
    /// Pause after an OpenBLAS block before timing another backend: OpenBLAS's idle worker threads
    /// spin for ~100 ms after a threaded call (measured: the process burns one core for 103 ms).
    /// </summary>
    internal static int OpenBlasSettleMilliseconds { get; set; } = 120;

    /// <summary>Re-runs allowed per repeat when other processes disturbed it.</summary>
    internal static int MaxRetries { get; set; } = 8;

    /// <summary>
    /// Waiting budget for other processes to calm down, per second of planned measurement (a run of
    /// a single point waits at most ~1 s; the full table up to a couple of minutes).
    /// </summary>
    internal static double QuietWaitPerSecond { get; set; } = 2.0;


    /// <summary>
    /// Runs every combination of <paramref name="sizes"/> x <paramref name="dtypes"/> x
    /// <paramref name="backends"/>, in that nesting order, reporting each point to
    /// <paramref name="progress"/> as it completes.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, a dtype is unknown, a list is empty, or repeats &lt; 1.</exception>
    public static GemmBenchmarkReport Run(IReadOnlyList<int> sizes, IReadOnlyList<string> dtypes,
        IReadOnlyList<GemmBackend> backends, int repeats, Action<GemmBenchmarkResult>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(dtypes);
        ArgumentNullException.ThrowIfNull(backends);
        if (sizes.Count == 0 || sizes.Any(n => n <= 0))
        {
            throw new ArgumentException("Sizes must be a non-empty list of positive integers.", nameof(sizes));
        }
        if (dtypes.Count == 0 || dtypes.Any(d => !DTypes.Contains(d)))
        {
            throw new ArgumentException($"DTypes must be a non-empty list of {string.Join(", ", DTypes)}.", nameof(dtypes));
        }
        if (backends.Count == 0)
        {
            throw new ArgumentException("At least one backend is needed.", nameof(backends));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);

        double planned = sizes.Count * dtypes.Count * backends.Count * (WarmupSeconds + repeats * SampleSeconds);
        var state = new RunState(Math.Max(1.0, QuietWaitPerSecond * planned));
        var results = new List<GemmBenchmarkResult>();
        foreach (int n in sizes)
        {
            foreach (string dtype in dtypes)
            {
                var point = dtype == "float64"
                    ? Measure<double>(n, dtype, backends, repeats, state)
                    : Measure<float>(n, dtype, backends, repeats, state);
                foreach (var r in point)
                {
                    progress?.Invoke(r);
                    results.Add(r);
                }
            }
        }
        return new GemmBenchmarkReport(results, state.Rerun, state.Disturbed);
    }

    /// <summary>A one-line description of what will run: managed ISA and threads, OpenBLAS presence.</summary>
    public static string DescribeMachine()
    {
        string openBlas = OpenBlasLibrary.IsAvailable
            ? $"OpenBLAS {OpenBlasLibrary.LibraryName} ({GemmOpenBlas.ThreadCount} threads)"
            : "OpenBLAS not available";
        return $"{Environment.ProcessorCount} cores; managed kernel {GemmManaged.ActiveIsa}, " +
            $"up to {Math.Min(Gemm.MaxThreads, Environment.ProcessorCount)} threads; {openBlas}";
    }

    private static List<GemmBenchmarkResult> Measure<T>(int n, string dtype, IReadOnlyList<GemmBackend> backends, int repeats,
        RunState state)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new System.Random(20261123 + n);
        var a = new T[(long)n * n];
        var b = new T[(long)n * n];
        var c = new T[(long)n * n];
        for (long i = 0; i < a.LongLength; i++)
        {
            a[i] = T.CreateTruncating(2 * random.NextDouble() - 1);
            b[i] = T.CreateTruncating(2 * random.NextDouble() - 1);
        }

        var calls = new int[backends.Count];
        for (int e = 0; e < backends.Count; e++)
        {
            // Warm up (JIT tiers, OpenBLAS thread start) and calibrate calls per repeat.
            var backend = backends[e];
            long count = 0;
            var warm = Stopwatch.StartNew();
            do
            {
                Gemm.Compute(backend, false, false, n, n, n, T.One, a, n, b, n, T.Zero, c, n);
                count++;
            }
            while (warm.Elapsed.TotalSeconds < WarmupSeconds || count < 2);
            double perCall = warm.Elapsed.TotalSeconds / count;
            calls[e] = (int)Math.Clamp(Math.Ceiling(SampleSeconds / perCall), 1, 1_000_000);
        }

        var times = new double[backends.Count][];
        for (int e = 0; e < backends.Count; e++)
        {
            times[e] = new double[repeats];
        }
        var effective = new GemmBackend[backends.Count];
        for (int e = 0; e < backends.Count; e++)
        {
            effective[e] = Gemm.Resolve<T>(backends[e], false, false, n, n, n);
        }
        int previous = -1;
        for (int r = 0; r < repeats; r++)
        {
            for (int e = 0; e < backends.Count; e++)
            {
                var backend = backends[e];
                int count = calls[e];
                if (previous >= 0 && previous != e && effective[previous] == GemmBackend.OpenBlas)
                {
                    // OpenBLAS's worker threads keep polling for ~0.1 s after a threaded call (its
                    // THREAD_TIMEOUT); measured right away, the next backend would share a core with them.
                    Thread.Sleep(OpenBlasSettleMilliseconds);
                }
                previous = e;
                for (int attempt = 0; ; attempt++)
                {
                    var probe = CpuInterference.Start();
                    long start = Stopwatch.GetTimestamp();
                    for (int i = 0; i < count; i++)
                    {
                        Gemm.Compute(backend, false, false, n, n, n, T.One, a, n, b, n, T.Zero, c, n);
                    }
                    double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                    times[e][r] = elapsed / count;
                    if (!probe.Disturbed(elapsed))
                    {
                        break;
                    }
                    if (attempt >= MaxRetries || state.WaitBudget <= 0)
                    {
                        state.Disturbed++;
                        break;
                    }
                    state.Rerun++;
                    var wait = Stopwatch.StartNew();
                    CpuInterference.WaitForQuiet(state.WaitBudget);
                    state.WaitBudget -= wait.Elapsed.TotalSeconds;
                }
            }
        }

        var results = new List<GemmBenchmarkResult>(backends.Count);
        double flops = 2.0 * n * n * n;
        for (int e = 0; e < backends.Count; e++)
        {
            double median = Median(times[e]);
            results.Add(new GemmBenchmarkResult(n, dtype, backends[e], effective[e], flops / median / 1e9, median));
        }
        return results;
    }

    /// <summary>
    /// Warms up the JIT and both backends on a mid-size product (a fresh process otherwise spends its
    /// first measurements compiling in the background, on the core a threaded GEMM wants).
    /// </summary>
    public static void WarmUp(double seconds = 0.4)
    {
        const int n = 96;
        var a = new double[n * n];
        var c = new double[n * n];
        var af = new float[n * n];
        var cf = new float[n * n];
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            foreach (var backend in new[] { GemmBackend.Managed, GemmBackend.Auto })
            {
                Gemm.Compute(backend, false, false, n, n, n, 1.0, a, n, a, n, 0.0, c, n);
                Gemm.Compute(backend, false, false, n, n, n, 1f, af, n, af, n, 0f, cf, n);
            }
        }
    }

    /// <summary>Counters and the waiting budget of one <see cref="Run"/>.</summary>
    private sealed class RunState(double waitBudget)
    {
        public double WaitBudget { get; set; } = waitBudget;

        public int Rerun { get; set; }

        public int Disturbed { get; set; }
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}

/// <summary>
/// Detects CPU use by other processes (and hypervisor steal time) during a measurement, from
/// /proc/stat and this process's own CPU time: others = (machine busy time) - (our CPU time).
/// Where /proc/stat is unavailable it never reports a disturbance.
/// </summary>
internal readonly struct CpuInterference
{
    private const double Jiffy = 0.01;   // USER_HZ = 100 on Linux
    private readonly long _busyJiffies;
    private readonly TimeSpan _ownCpu;
    private readonly bool _valid;

    private CpuInterference(long busyJiffies, TimeSpan ownCpu, bool valid)
    {
        _busyJiffies = busyJiffies;
        _ownCpu = ownCpu;
        _valid = valid;
    }

    public static CpuInterference Start()
    {
        long busy = ReadBusyJiffies();
        return new CpuInterference(busy, Environment.CpuUsage.TotalTime, busy >= 0);
    }

    /// <summary>
    /// True when others used more than 10% of the machine, plus two ticks of slack (/proc/stat is
    /// sampled at 100 Hz, our own CPU time exactly), during <paramref name="elapsed"/> seconds.
    /// </summary>
    public bool Disturbed(double elapsed)
    {
        if (!_valid)
        {
            return false;
        }
        long busy = ReadBusyJiffies();
        if (busy < 0)
        {
            return false;
        }
        double others = (busy - _busyJiffies) * Jiffy - (Environment.CpuUsage.TotalTime - _ownCpu).TotalSeconds;
        return others > 0.10 * Environment.ProcessorCount * elapsed + 2 * Jiffy;
    }

    /// <summary>
    /// Waits (up to <paramref name="maxSeconds"/>) for a 0.2 s window in which other processes used
    /// less than 10% of the machine.
    /// </summary>
    public static void WaitForQuiet(double maxSeconds)
    {
        var watch = Stopwatch.StartNew();
        do
        {
            var probe = Start();
            Thread.Sleep(200);
            if (!probe.Disturbed(0.2))
            {
                return;
            }
        }
        while (watch.Elapsed.TotalSeconds < maxSeconds);
    }

    /// <summary>user + nice + system + irq + softirq + steal of the "cpu" line, or -1.</summary>
    private static long ReadBusyJiffies()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            string? line = reader.ReadLine();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return -1;
            }
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long busy = 0;
            foreach (int i in new[] { 1, 2, 3, 6, 7, 8 })
            {
                if (i < fields.Length)
                {
                    busy += long.Parse(fields[i], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            return busy;
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
