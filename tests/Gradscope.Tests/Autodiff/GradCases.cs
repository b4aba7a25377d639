using Gradscope.Random;
using Gradscope.Tensors;
using static Gradscope.Tensors.Tensor;

namespace Gradscope.Tests.Autodiff;

/// <summary>
/// One finite-difference case per primitive (and per composite built on them): a function of a
/// few inputs and the input shapes. Shapes use primes and size-1 axes on purpose (not multiples
/// of any vector width). Inputs are drawn away from kinks (|x| &gt; 0.1 where an op has one), so
/// that central differences with ε = 1e-6 never straddle a non-differentiable point.
/// </summary>
public static class GradCases
{
    public sealed record Case(string Name, Func<IReadOnlyList<Tensor<double>>, Tensor<double>> F, int[][] Shapes, Domain Domain = Domain.AwayFromZero)
    {
        public override string ToString() => Name;
    }

    public enum Domain
    {
        /// <summary>Normal samples pushed away from 0 (|x| ≥ 0.1).</summary>
        AwayFromZero,

        /// <summary>Positive values in [0.5, 2] (log, sqrt, fractional powers, division).</summary>
        Positive,
    }

    private static Tensor<double> C(double[] v, params int[] shape) => FromArray(v, shape);

    public static readonly Case[] All =
    [
        new("add broadcast", x => Add(x[0], x[1]), [[3, 1, 5], [4, 5]]),
        new("sub broadcast", x => Sub(x[0], x[1]), [[2, 7], [7]]),
        new("mul broadcast", x => Mul(x[0], x[1]), [[5, 3], [5, 1]]),
        new("div", x => Div(x[0], x[1]), [[3, 5], [3, 5]], Domain.Positive),
        new("div broadcast scalar", x => Div(x[0], x[1]), [[2, 3], []], Domain.Positive),
        new("neg", x => Neg(x[0]), [[7]]),
        new("add scalar", x => AddScalar(x[0], 1.5), [[3, 2]]),
        new("mul scalar", x => MulScalar(x[0], -2.5), [[3, 2]]),
        new("pow scalar 3", x => Pow(x[0], 3.0), [[5]]),
        new("pow scalar 2", x => Pow(x[0], 2.0), [[5]]),
        new("pow scalar fractional", x => Pow(x[0], 1.7), [[5]], Domain.Positive),
        new("pow tensor", x => Pow(x[0], x[1]), [[3, 2], [2]], Domain.Positive),
        new("square", x => Square(x[0]), [[2, 3]]),
        new("exp", x => Exp(x[0]), [[3, 3]]),
        new("log", x => Log(x[0]), [[3, 3]], Domain.Positive),
        new("sqrt", x => Sqrt(x[0]), [[5]], Domain.Positive),
        new("abs", x => Abs(x[0]), [[7]]),
        new("sin", x => Sin(x[0]), [[7]]),
        new("cos", x => Cos(x[0]), [[7]]),
        new("tanh", x => Tanh(x[0]), [[11]]),
        new("sigmoid", x => Sigmoid(x[0]), [[11]]),
        new("relu", x => Mul(Relu(x[0]), x[0]), [[11]]),
        new("relu mask", x => ReluMask(x[0], x[1]), [[3, 5], [3, 5]]),
        new("leaky relu", x => Mul(LeakyRelu(x[0], 0.2), x[0]), [[11]]),
        new("gelu", x => Gelu(x[0]), [[11]]),
        new("erf", x => Erf(x[0]), [[11]]),
        new("softplus", x => Softplus(x[0]), [[11]]),
        new("clamp", x => Mul(Clamp(x[0], -0.7, 0.6), x[0]), [[13]]),
        new("clamp min only", x => Mul(Clamp(x[0], 0.05, null), x[0]), [[13]]),
        new("maximum", x => Maximum(x[0], x[1]), [[3, 5], [5]]),
        new("minimum", x => Minimum(x[0], x[1]), [[3, 5], [3, 1]]),
        new("where", x => Where(C([1, 0, 1, 0, 0], 5), x[0], x[1]), [[3, 5], [5]]),
        new("sum all", x => Sum(x[0]), [[3, 4]]),
        new("sum axis keepdims", x => Sum(x[0], [1], keepDims: true), [[3, 5, 2]]),
        new("sum two axes", x => Sum(x[0], [0, 2]), [[3, 5, 2]]),
        new("sum of squares", x => SumOfSquares(x[0]), [[3, 7]]),
        new("mean", x => Mean(x[0], [-1]), [[3, 7]]),
        new("max axis", x => Max(x[0], [1]), [[3, 7]]),
        new("max all", x => Max(x[0]), [[2, 3, 5]]),
        new("logsumexp", x => LogSumExp(x[0], [1]), [[3, 7]]),
        new("softmax", x => Softmax(x[0]), [[3, 5]]),
        new("log softmax", x => LogSoftmax(x[0], 0), [[5, 3]]),
        new("broadcast to", x => BroadcastTo(x[0], [4, 3, 5]), [[3, 1]]),
        new("reshape", x => Reshape(x[0], 5, -1), [[3, 5]]),
        new("permute", x => Permute(x[0], 2, 0, 1), [[2, 3, 5]]),
        new("transpose", x => Transpose(x[0]), [[3, 7]]),
        new("slice strided", x => Slice(x[0], [0, 1], [3, 7], [2, 3]), [[3, 7]]),
        new("slice negative", x => Slice(x[0], 1, -4, -1), [[2, 7]]),
        new("pad", x => Pad(x[0], [(1, 2), (0, 3)]), [[2, 3]]),
        new("slice scatter", x => SliceScatter(x[0], [5, 7], [1, 0], [2, 3]), [[2, 3]]),
        new("index select repeated", x => IndexSelect(x[0], 1, [4, 0, 4, 2]), [[3, 5]]),
        new("scatter add", x => ScatterAdd(x[0], 0, [2, 0, 2], 4), [[3, 2]]),
        new("concat", x => Concat([x[0], x[1], x[0]], 1), [[2, 3], [2, 1]]),
        new("stack", x => Stack([x[0], x[1]], 0), [[3], [3]]),
        new("matmul", x => MatMul(x[0], x[1]), [[3, 5], [5, 2]]),
        new("matmul transA", x => MatMul(x[0], x[1], transA: true), [[5, 3], [5, 2]]),
        new("matmul transB", x => MatMul(x[0], x[1], transB: true), [[3, 5], [2, 5]]),
        new("matmul transA transB", x => MatMul(x[0], x[1], true, true), [[5, 3], [2, 5]]),
        new("matmul batched", x => MatMul(x[0], x[1]), [[2, 3, 5], [2, 5, 3]]),
        new("matmul batch broadcast", x => MatMul(x[0], x[1]), [[2, 1, 3, 5], [3, 5, 2]]),
        new("matmul shared right", x => MatMul(x[0], x[1], transB: true), [[2, 3, 5], [4, 5]]),
        new("matmul vector", x => MatMul(x[0], x[1]), [[3, 5], [5]]),
        new("conv1d zeros", x => Conv1d(x[0], x[1], x[2], stride: 2, padding: 1), [[2, 3, 7], [2, 3, 3], [2]]),
        new("conv1d circular", x => Conv1d(x[0], x[1], null, padding: 2, mode: PaddingMode.Circular), [[1, 2, 5], [3, 2, 5]]),
        new("conv2d zeros strided", x => Conv2d(x[0], x[1], x[2], (2, 1), (1, 1)), [[2, 2, 5, 4], [3, 2, 3, 2], [3]]),
        new("conv2d circular", x => Conv2d(x[0], x[1], null, null, (1, 2), PaddingMode.Circular), [[1, 2, 3, 5], [2, 2, 3, 3]]),
        new("mlp tanh mse", x => Mean(Square(Sub(MatMul(Tanh(MatMul(x[0], x[1], transB: true)), x[2], transB: true), x[3]))), [[7, 3], [5, 3], [2, 5], [7, 2]]),
    ];

    public static IEnumerable<object[]> Names() => All.Select(c => new object[] { c.Name });

    public static Tensor<double>[] Inputs(Case c, ulong seed = 11)
    {
        var keys = RngKey.FromSeed((long)seed).Split(c.Shapes.Length);
        var xs = new Tensor<double>[c.Shapes.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            var t = c.Domain == Domain.Positive
                ? Uniform<double>(keys[i], c.Shapes[i], 0.5, 2.0)
                : Normal<double>(keys[i], c.Shapes[i]);
            var d = t.MutableSpan;
            if (c.Domain == Domain.AwayFromZero)
            {
                for (int j = 0; j < d.Length; j++)
                {
                    d[j] = Math.Sign(d[j]) * (0.1 + Math.Abs(d[j]));
                }
            }
            xs[i] = t;
        }
        return xs;
    }
}
