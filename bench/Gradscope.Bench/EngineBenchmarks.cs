using BenchmarkDotNet.Attributes;
using Gradscope.Autodiff;
using Gradscope.Random;
using Gradscope.Tensors;
using static Gradscope.Tensors.Tensor;

namespace Gradscope.Bench;

/// <summary>Elementwise and reduction kernels at sizes typical of this field (a 256 x 512 activation).</summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    private Tensor<double> _x = null!;
    private Tensor<double> _bias = null!;
    private Tensor<float> _xf = null!;

    [GlobalSetup]
    public void Setup()
    {
        _x = Normal<double>(RngKey.FromSeed(1), [256, 512]);
        _bias = Normal<double>(RngKey.FromSeed(2), [512]);
        _xf = Cast<double, float>(_x);
    }

    [Benchmark]
    public Tensor<double> AddBiasRow() => Add(_x, _bias);

    [Benchmark]
    public Tensor<double> Tanh64() => Tanh(_x);

    [Benchmark]
    public Tensor<float> Relu32() => Relu(_xf);

    [Benchmark]
    public Tensor<double> SumRows() => Sum(_x, [1]);

    [Benchmark]
    public Tensor<double> SumColumns() => Sum(_x, [0]);

    [Benchmark]
    public Tensor<double> LogSoftmaxRows() => LogSoftmax(_x);
}

/// <summary>
/// One forward+backward of a 3-layer 32-wide float64 linear net on 256 samples (the issue's
/// ~4.2 MFLOP target) and of a small tanh MLP.
/// </summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    private Tensor<double> _x = null!;
    private Tensor<double> _y = null!;
    private Tensor<double>[] _w = null!;

    [GlobalSetup]
    public void Setup()
    {
        var k = RngKey.FromSeed(3).Split(5);
        _x = Normal<double>(k[0], [256, 32]);
        _y = Normal<double>(k[1], [256, 32]);
        _w = [Normal<double>(k[2], [32, 32], 0, 0.2), Normal<double>(k[3], [32, 32], 0, 0.2), Normal<double>(k[4], [32, 32], 0, 0.2)];
    }

    [Benchmark]
    public Tensor<double>[] DeepLinearForwardBackward() => Grad.ValueAndGrad(p =>
    {
        var h = _x;
        foreach (var w in p)
        {
            h = MatMul(h, w, transB: true);
        }
        return MulScalar(Sum(Square(Sub(h, _y))), 0.5 / 256);
    }, _w).Gradients;

    [Benchmark]
    public Tensor<double>[] TanhMlpForwardBackward() => Grad.ValueAndGrad(p =>
    {
        var h = Tanh(MatMul(_x, p[0], transB: true));
        h = Tanh(MatMul(h, p[1], transB: true));
        return MulScalar(Sum(Square(Sub(MatMul(h, p[2], transB: true), _y))), 0.5 / 256);
    }, _w).Gradients;
}
