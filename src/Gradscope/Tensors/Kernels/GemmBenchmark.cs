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

/// <summary>
/// Measures square GEMM throughput (<c>C = A B</c>, n x n x n, random data in [-1, 1)). The machine
/// is shared and noisy, so backends are measured interleaved (repeat r of every backend before repeat
/// r + 1 of any), each repeat times enough calls to last ~<see cref="SampleSeconds"/>, and the median
/// repeat is reported: a ratio between backends from one run is meaningful even when the absolute
/// numbers drift.
/// </summary>
public static class GemmBenchmark
{
    /// <summary>The dtype names accepted by <see cref="Run"/>.</summary>
    public static IReadOnlyList<string> DTypes { get; } = ["float64", "float32"];

    /// <summary>Target duration of one timed repeat (many calls for small n, one for large n).</summary>
    internal static double SampleSeconds { get; set; } = 0.025;

    /// <summary>Untimed warm-up per (size, dtype, backend): lets tiered JIT and OpenBLAS threads settle.</summary>
    internal static double WarmupSeconds { get; set; } = 0.08;

    /// <summary>
    /// Runs every combination of <paramref name="sizes"/> x <paramref name="dtypes"/> x
    /// <paramref name="backends"/>, in that nesting order, reporting each point to
    /// <paramref name="progress"/> as it completes.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, a dtype is unknown, a list is empty, or repeats &lt; 1.</exception>
    public static IReadOnlyList<GemmBenchmarkResult> Run(IReadOnlyList<int> sizes, IReadOnlyList<string> dtypes,
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

        var results = new List<GemmBenchmarkResult>();
        foreach (int n in sizes)
        {
            foreach (string dtype in dtypes)
            {
                var point = dtype == "float64"
                    ? Measure<double>(n, dtype, backends, repeats)
                    : Measure<float>(n, dtype, backends, repeats);
                foreach (var r in point)
                {
                    progress?.Invoke(r);
                    results.Add(r);
                }
            }
        }
        return results;
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

    private static List<GemmBenchmarkResult> Measure<T>(int n, string dtype, IReadOnlyList<GemmBackend> backends, int repeats)
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
        for (int r = 0; r < repeats; r++)
        {
            for (int e = 0; e < backends.Count; e++)
            {
                var backend = backends[e];
                int count = calls[e];
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < count; i++)
                {
                    Gemm.Compute(backend, false, false, n, n, n, T.One, a, n, b, n, T.Zero, c, n);
                }
                times[e][r] = Stopwatch.GetElapsedTime(start).TotalSeconds / count;
            }
        }

        var results = new List<GemmBenchmarkResult>(backends.Count);
        double flops = 2.0 * n * n * n;
        for (int e = 0; e < backends.Count; e++)
        {
            double median = Median(times[e]);
            results.Add(new GemmBenchmarkResult(n, dtype, backends[e], Gemm.Resolve<T>(backends[e], false, false, n, n, n),
                flops / median / 1e9, median));
        }
        return results;
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
