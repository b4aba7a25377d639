using System.Numerics;
using Gradscope.Ensembles;
using Gradscope.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Gradscope.Tests.Ensembles;

/// <summary>The fused kernels of a replica step give bitwise the values of the engine ops they replace.</summary>
public class ReplicaKernelsTests
{
    private static T[] Values<T>(int n, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rnd = new System.Random(seed);
        // Finite and below 354 in size: a vector lane beyond exp's fast range (|2x| > ~708, ±∞, NaN)
        // sends the runtime's vector exp down a fix-up path whose lanes then depend on how the span
        // is cut into vectors — which TensorPrimitives does by the destination's address — so there
        // two TensorPrimitives calls can disagree too (values that large only occur in diverging runs).
        var special = new[] { 0.0, -0.0, 1e-300, -1e-12, 1e-5, 0.3, -0.7, 5, -19, 25, 350 };
        return Enumerable.Range(0, n).Select(i => T.CreateTruncating(i % 5 == 0 ? special[i / 5 % special.Length] : (rnd.NextDouble() - 0.5) * (i % 3 == 0 ? 8 : 1.5))).ToArray();
    }

    [Fact]
    public void TanhIsTensorPrimitivesTanhBitwiseForEveryLength()
    {
        foreach (int n in Enumerable.Range(1, 40).Concat([255, 10_000]))
        {
            Check<double>(n);
            Check<float>(n);
        }

        static void Check<T>(int n) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var x = Values<T>(n, n);
            var expected = new T[n];
            var actual = new T[n];
            TensorPrimitives.Tanh<T>(x, expected);
            ReplicaKernels.Tanh<T>(x, actual);
            for (int i = 0; i < n; i++)
            {
                Assert.True(expected[i].Equals(actual[i]), $"{typeof(T).Name} n={n} i={i}: tanh({x[i]}) = {actual[i]} vs TensorPrimitives {expected[i]}");
            }
        }
    }

    [Theory]
    [InlineData(200, 50)]
    [InlineData(7, 3)]
    [InlineData(33, 17)]
    [InlineData(1, 9)]
    public void ColumnSumsAreTheEngineSumOverRowsBitwise(int rows, int cols)
    {
        var g = Values<double>(rows * cols, 3).Select(v => double.IsFinite(v) ? v : 1.0).ToArray();
        var expected = Tensor.Sum(Tensor.FromArray(g, [rows, cols]), [0]).ToArray();
        var actual = new double[cols];
        ReplicaKernels.ColumnSums<double>(g, rows, cols, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ActivationRulesAndBiasAddAreTheEngineOpsBitwise()
    {
        int n = 37;
        var g = Tensor.FromArray(Values<double>(n, 5), [n]);
        var y = Tensor.FromArray(Values<double>(n, 6), [n]);
        var tanh = g.ToArray();
        ReplicaKernels.TanhBackward<double>(tanh, y.Span);
        Assert.Equal(Tensor.Mul(g, Tensor.AddScalar(Tensor.Neg(Tensor.Square(y)), 1)).ToArray(), tanh);
        var sigmoid = g.ToArray();
        ReplicaKernels.SigmoidBackward<double>(sigmoid, y.Span);
        Assert.Equal(Tensor.Mul(g, Tensor.Mul(y, Tensor.AddScalar(Tensor.Neg(y), 1))).ToArray(), sigmoid);
        var square = g.ToArray();
        ReplicaKernels.SquareBackward<double>(square, y.Span);
        Assert.Equal(Tensor.MulScalar(Tensor.Mul(g, y), 2).ToArray(), square);

        var z = Tensor.FromArray(Values<double>(6 * 7, 8), [6, 7]);
        var b = Tensor.FromArray(Values<double>(7, 9), [7]);
        var added = z.ToArray();
        ReplicaKernels.AddRowVector<double>(added, 6, 7, b.Span);
        Assert.Equal(Tensor.Add(z, b).ToArray(), added);
    }
}
