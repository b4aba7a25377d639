using BenchmarkDotNet.Attributes;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Bench;

/// <summary>
/// Square GEMM, managed vs OpenBLAS, float64 and float32 (C = A B, n x n x n).
/// Run: dotnet run -c Release --project bench/Gradscope.Bench -- --filter '*GemmSquare*'
/// (the `gradscope bench gemm` command measures the same thing faster, interleaved, for tables).
/// </summary>
[MemoryDiagnoser]
public class GemmSquareBenchmarks
{
    private double[] _a64 = [];
    private double[] _b64 = [];
    private double[] _c64 = [];
    private float[] _a32 = [];
    private float[] _b32 = [];
    private float[] _c32 = [];

    [Params(32, 128, 512)]
    public int N { get; set; }

    [Params(GemmBackend.Managed, GemmBackend.OpenBlas)]
    public GemmBackend Backend { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new System.Random(1);
        int size = N * N;
        _a64 = Fill(random, size);
        _b64 = Fill(random, size);
        _c64 = new double[size];
        _a32 = Array.ConvertAll(_a64, x => (float)x);
        _b32 = Array.ConvertAll(_b64, x => (float)x);
        _c32 = new float[size];
    }

    [Benchmark]
    public void Float64() => Gemm.Compute(Backend, false, false, N, N, N, 1.0, _a64, N, _b64, N, 0.0, _c64, N);

    [Benchmark]
    public void Float32() => Gemm.Compute(Backend, false, false, N, N, N, 1f, _a32, N, _b32, N, 0f, _c32, N);

    internal static double[] Fill(System.Random random, int size)
    {
        var x = new double[size];
        for (int i = 0; i < size; i++)
        {
            x[i] = 2 * random.NextDouble() - 1;
        }
        return x;
    }
}

/// <summary>
/// The products of the W1 workload (a 32-wide layer on 256 samples, float64): forward
/// X[256,32] W^T (W stored [out, in] as in PyTorch, so B is transposed), the plain 256x32 times 32x32,
/// and the weight gradient dY^T X (A transposed, k = 256). Thousands per second of these are what
/// small-model training spends its time on.
/// </summary>
[MemoryDiagnoser]
public class GemmSmallShapeBenchmarks
{
    private const int Samples = 256;
    private const int Width = 32;
    private double[] _x = [];
    private double[] _w = [];
    private double[] _y = [];
    private double[] _dw = [];

    [Params(GemmBackend.Managed, GemmBackend.OpenBlas, GemmBackend.Auto)]
    public GemmBackend Backend { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new System.Random(2);
        _x = GemmSquareBenchmarks.Fill(random, Samples * Width);
        _w = GemmSquareBenchmarks.Fill(random, Width * Width);
        _y = new double[Samples * Width];
        _dw = new double[Width * Width];
    }

    /// <summary>Y[256,32] = X[256,32] B[32,32].</summary>
    [Benchmark(Baseline = true)]
    public void Plain256x32x32() => Gemm.Compute(Backend, false, false, Samples, Width, Width, 1.0, _x, Width, _w, Width, 0.0, _y, Width);

    /// <summary>Y = X W^T, the forward pass of a linear layer.</summary>
    [Benchmark]
    public void ForwardTransB() => Gemm.Compute(Backend, false, true, Samples, Width, Width, 1.0, _x, Width, _w, Width, 0.0, _y, Width);

    /// <summary>dW[32,32] = dY^T X, the weight gradient (k = 256).</summary>
    [Benchmark]
    public void WeightGradientTransA() => Gemm.Compute(Backend, true, false, Width, Width, Samples, 1.0, _x, Width, _x, Width, 0.0, _dw, Width);
}
