using Gradscope.Random;
using Gradscope.Tensors;
using static Gradscope.Tensors.Tensor;

namespace Gradscope.Tests.Tensors;

/// <summary>Forward values against naive loops and closed forms; shape errors name the op and the shapes.</summary>
public class OpValueTests
{
    private static Tensor<double> Rand(long seed, params int[] shape) => Normal<double>(RngKey.FromSeed(seed), shape);

    [Fact]
    public void BroadcastAddMatchesIndexArithmetic()
    {
        var a = Rand(1, 3, 1, 5);
        var b = Rand(2, 4, 5);
        var y = Add(a, b);
        Assert.Equal([3, 4, 5], y.Shape);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                for (int k = 0; k < 5; k++)
                {
                    Assert.Equal(a[i, 0, k] + b[j, k], y[i, j, k]);
                }
            }
        }
    }

    [Theory]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 2 })]
    [InlineData(new[] { 0, 2 })]
    [InlineData(new[] { 1, 2 })]
    public void SumAndMaxOverAxesMatchLoops(int[] axes)
    {
        var x = Rand(3, 3, 17, 5);
        var s = Sum(x, axes, keepDims: true);
        var m = Max(x, axes, keepDims: true);
        // Reference: accumulate every element into its reduced slot.
        var refS = new double[s.Size];
        var refM = Enumerable.Repeat(double.NegativeInfinity, m.Size).ToArray();
        var rs = s.Shape;
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 17; j++)
            {
                for (int k = 0; k < 5; k++)
                {
                    int ii = axes.Contains(0) ? 0 : i, jj = axes.Contains(1) ? 0 : j, kk = axes.Contains(2) ? 0 : k;
                    int off = (ii * rs[1] + jj) * rs[2] + kk;
                    refS[off] += x[i, j, k];
                    refM[off] = Math.Max(refM[off], x[i, j, k]);
                }
            }
        }
        for (int t = 0; t < refS.Length; t++)
        {
            Assert.Equal(refS[t], s.Span[t], 12);
            Assert.Equal(refM[t], m.Span[t]);
        }
    }

    [Fact]
    public void PermuteSliceIndexSelectConcat()
    {
        var x = Rand(4, 2, 3, 5);
        var p = Permute(x, 2, 0, 1);
        Assert.Equal([5, 2, 3], p.Shape);
        Assert.Equal(x[1, 2, 4], p[4, 1, 2]);
        var s = Slice(x, [0, 1, 0], [2, 3, 5], [1, 1, 2]);
        Assert.Equal([2, 2, 3], s.Shape);
        Assert.Equal(x[1, 2, 4], s[1, 1, 2]);
        var g = IndexSelect(x, 2, [4, 4, 0]);
        Assert.Equal(x[1, 0, 4], g[1, 0, 1]);
        Assert.Equal(x[0, 2, 0], g[0, 2, 2]);
        var c = Concat([x, g], 2);
        Assert.Equal([2, 3, 8], c.Shape);
        Assert.Equal(g[1, 1, 2], c[1, 1, 7]);
        var sa = ScatterAdd(g, 2, [4, 4, 0], 5);
        Assert.Equal(2 * x[1, 1, 4], sa[1, 1, 4], 14);
        Assert.Equal(0.0, sa[1, 1, 2]);
    }

    [Fact]
    public void BatchedMatMulMatchesLoops()
    {
        var a = Rand(5, 2, 1, 3, 7);
        var b = Rand(6, 4, 7, 5);
        var y = MatMul(a, b);
        Assert.Equal([2, 4, 3, 5], y.Shape);
        for (int p = 0; p < 2; p++)
        {
            for (int q = 0; q < 4; q++)
            {
                for (int i = 0; i < 3; i++)
                {
                    for (int j = 0; j < 5; j++)
                    {
                        double r = 0;
                        for (int k = 0; k < 7; k++)
                        {
                            r += a[p, 0, i, k] * b[q, k, j];
                        }
                        Assert.Equal(r, y[p, q, i, j], 12);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 1, 0, 0, false)]
    [InlineData(2, 1, 1, 2, false)]
    [InlineData(1, 2, 2, 1, true)]
    public void Conv2dMatchesDirectLoops(int sh, int sw, int ph, int pw, bool circular)
    {
        var x = Rand(7, 2, 3, 6, 7);
        var w = Rand(8, 4, 3, 3, 2);
        var bias = Rand(9, 4);
        var mode = circular ? PaddingMode.Circular : PaddingMode.Zeros;
        var y = Conv2d(x, w, bias, (sh, sw), (ph, pw), mode);
        int ho = (6 + 2 * ph - 3) / sh + 1, wo = (7 + 2 * pw - 2) / sw + 1;
        Assert.Equal([2, 4, ho, wo], y.Shape);
        for (int n = 0; n < 2; n++)
        {
            for (int o = 0; o < 4; o++)
            {
                for (int i = 0; i < ho; i++)
                {
                    for (int j = 0; j < wo; j++)
                    {
                        double r = bias[o];
                        for (int c = 0; c < 3; c++)
                        {
                            for (int u = 0; u < 3; u++)
                            {
                                for (int v = 0; v < 2; v++)
                                {
                                    int hi = i * sh + u - ph, wi = j * sw + v - pw;
                                    if (circular)
                                    {
                                        hi = (hi + 6) % 6;
                                        wi = (wi + 7) % 7;
                                    }
                                    else if (hi < 0 || hi >= 6 || wi < 0 || wi >= 7)
                                    {
                                        continue;
                                    }
                                    r += x[n, c, hi, wi] * w[o, c, u, v];
                                }
                            }
                        }
                        Assert.Equal(r, y[n, o, i, j], 12);
                    }
                }
            }
        }
    }

    [Fact]
    public void CircularConv1dIsACyclicConvolution()
    {
        // With circular padding K-1 split as in linear-CNN theory, a length-L filter gives
        // y[i] = Σ_k w[k] x[(i + k - p) mod L].
        var x = Rand(10, 1, 1, 5);
        var w = Rand(11, 1, 1, 5);
        var y = Conv1d(x, w, padding: 2, mode: PaddingMode.Circular);
        Assert.Equal([1, 1, 5], y.Shape);
        for (int i = 0; i < 5; i++)
        {
            double r = 0;
            for (int k = 0; k < 5; k++)
            {
                r += w[0, 0, k] * x[0, 0, ((i + k - 2) % 5 + 5) % 5];
            }
            Assert.Equal(r, y[0, 0, i], 12);
        }
    }

    [Fact]
    public void StableFormulasNeverOverflow()
    {
        var big = FromArray(new[] { 1000.0, 1000.0, -1000.0 }, 3);
        Assert.Equal(1000 + Math.Log(2), LogSumExp(big).Item(), 12);
        var ls = LogSoftmax(big);
        Assert.All(ls.ToArray(), v => Assert.False(double.IsNaN(v)));
        Assert.Equal(-Math.Log(2), ls[0], 12);
        Assert.Equal(-2000 - Math.Log(2), ls[2], 9);
        var sm = Softmax(big);
        Assert.Equal(0.5, sm[0], 14);
        Assert.Equal(0.0, sm[2]);
        var sp = Softplus(FromArray(new[] { 1000.0, -1000.0, 0.0 }, 3));
        Assert.Equal(1000.0, sp[0]);
        Assert.Equal(0.0, sp[1]);
        Assert.Equal(Math.Log(2), sp[2], 15);
        var f32 = LogSumExp(FromArray(new[] { 100f, 100f }, 2)).Item();
        Assert.Equal(100f + MathF.Log(2), f32, 4);
        // Gradients of the stable forms are finite too.
        var x = FromArray(new[] { 800.0, -800.0 }, 2).RequireGrad();
        Sum(Mul(LogSoftmax(x), FromArray(new[] { 1.0, 2.0 }, 2))).Backward();
        Assert.All(x.Grad!.ToArray(), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void ElementwiseValuesAgreeWithMath()
    {
        var x = Rand(12, 37);
        var d = x.ToArray();
        void Check(Tensor<double> y, Func<double, double> f, int digits = 13)
        {
            for (int i = 0; i < d.Length; i++)
            {
                Assert.Equal(f(d[i]), y.Span[i], digits);
            }
        }
        Check(Tanh(x), Math.Tanh);
        Check(Sigmoid(x), v => 1 / (1 + Math.Exp(-v)));
        Check(Relu(x), v => Math.Max(v, 0));
        Check(LeakyRelu(x, 0.1), v => v > 0 ? v : 0.1 * v);
        Check(Exp(x), Math.Exp);
        Check(Abs(x), Math.Abs);
        Check(Sin(x), Math.Sin);
        Check(Cos(x), Math.Cos);
        Check(Clamp(x, -0.5, 0.5), v => Math.Clamp(v, -0.5, 0.5));
        Check(Gelu(x), v => 0.5 * v * (1 + MathNet.Numerics.SpecialFunctions.Erf(v / Math.Sqrt(2))));
        Check(Pow(Abs(x), 1.5), v => Math.Pow(Math.Abs(v), 1.5));
    }

    [Fact]
    public void FloatAndDoubleShareOneCodePath()
    {
        var xd = Rand(13, 4, 33);
        var xf = Cast<double, float>(xd);
        var yd = Sum(Tanh(MatMul(xd, xd, transB: true)));
        var yf = Sum(Tanh(MatMul(xf, xf, transB: true)));
        Assert.Equal(yd.Item(), yf.Item(), 3);
        Assert.Equal("float32", yf.DType);
    }

    [Fact]
    public void ShapeErrorsNameTheOpAndBothShapes()
    {
        var a = Zeros<double>(3, 4);
        var b = Zeros<double>(5, 4);
        var e = Assert.Throws<TensorShapeException>(() => Add(a, b));
        Assert.Contains("add", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[5, 4]", e.Message);
        var m = Assert.Throws<TensorShapeException>(() => MatMul(a, b));
        Assert.Contains("matmul", m.Message);
        Assert.Contains("[5, 4]", m.Message);
        Assert.Throws<TensorShapeException>(() => Reshape(a, 5, -1));
        Assert.Throws<TensorShapeException>(() => Sum(a, [2]));
    }
}
