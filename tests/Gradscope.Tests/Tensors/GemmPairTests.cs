using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Random;
using Gradscope.Tensors;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Tests.Tensors;

/// <summary>
/// The side-by-side pair of products used by the matrix-product backward pass
/// (<see cref="GemmPair{T}"/>): bitwise the values of two separate calls, and gradients unchanged.
/// </summary>
public class GemmPairTests
{
    [Theory]
    [InlineData(256, 32, 32)]
    [InlineData(97, 45, 70)]
    public void PairEqualsSeparateProductsBitwise(int m, int n, int k)
    {
        var key = RngKey.FromSeed(m + n).Split(4);
        using var _ = GradMode.NoGrad();
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                // op(A0) op(B0) is m x n over k; op(A1) op(B1) is n x k over m (same multiply-adds).
                var a0 = Tensor.Normal<double>(key[0], ta ? [k, m] : [m, k]);
                var b0 = Tensor.Normal<double>(key[1], tb ? [n, k] : [k, n]);
                var a1 = Tensor.Normal<double>(key[2], tb ? [m, n] : [n, m]);
                var b1 = Tensor.Normal<double>(key[3], ta ? [k, m] : [m, k]);
                // Another test's products on a loaded machine can pause threading (GemmWorkers
                // throttles when the second core is busy), and the pair then declines: end the pause.
                (Tensor<double>, Tensor<double>)? pair = null;
                for (int attempt = 0; attempt < 100 && pair is null; attempt++)
                {
                    GemmWorkers.ResetThrottle();
                    pair = Tensor.TryMatMulPair(a0, b0, ta, tb, a1, b1, tb, ta);
                }
                Assert.NotNull(pair);
                Assert.Equal(Tensor.MatMul(a0, b0, ta, tb).ToArray(), pair.Value.Item1.ToArray());
                Assert.Equal(Tensor.MatMul(a1, b1, tb, ta).ToArray(), pair.Value.Item2.ToArray());
            }
        }
    }

    [Fact]
    public void BackwardOfALinearChainIsTheSameWithAndWithoutThePair()
    {
        var k = RngKey.FromSeed(5).Split(5);
        var x = Tensor.Normal<double>(k[0], [256, 32]);
        var y = Tensor.Normal<double>(k[1], [256, 32]);
        Tensor<double>[] w = [Tensor.Normal<double>(k[2], [32, 32]), Tensor.Normal<double>(k[3], [32, 32]), Tensor.Normal<double>(k[4], [32, 32])];
        Tensor<double> Loss(IReadOnlyList<Tensor<double>> p) =>
            Tensor.MulScalar(Tensor.SumOfSquares(Tensor.Sub(Tensor.MatMul(Tensor.MatMul(Tensor.MatMul(x, p[0], transB: true), p[1], transB: true), p[2], transB: true), y)), 0.5 / 256);
        var paired = Grad.ValueAndGrad(Loss, w).Gradients;
        long saved = GemmPair<double>.MaxWork;
        try
        {
            GemmPair<double>.MaxWork = 0;
            var separate = Grad.ValueAndGrad(Loss, w).Gradients;
            for (int i = 0; i < w.Length; i++)
            {
                Assert.Equal(separate[i].ToArray(), paired[i].ToArray());
            }
        }
        finally
        {
            GemmPair<double>.MaxWork = saved;
        }
    }
}
