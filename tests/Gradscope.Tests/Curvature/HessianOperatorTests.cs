using Gradscope.Curvature;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Tests.Curvature;

public class HessianOperatorTests
{
    [Fact]
    public void ChunkedProductsEqualTheUnchunkedMeanLossHessian()
    {
        var p = CurvatureFixture.Mlp([4, 6, 3], 50, seed: 5);
        var whole = p.Operator();
        var chunked = p.Operator(chunkSize: 7);
        Assert.Equal(1, whole.Chunks);
        Assert.Equal(8, chunked.Chunks);
        for (int s = 0; s < 3; s++)
        {
            var v = CurvatureFixture.RandomVector(whole.Dimension, 100 + s);
            double err = CurvatureFixture.RelativeError(CurvatureFixture.Apply(chunked, v), CurvatureFixture.Apply(whole, v));
            Assert.True(err < 1e-12, $"chunked vs unchunked HVP: relative error {err:E2}");
        }
        Assert.Equal(3, whole.Applications);
        Assert.Equal(3, chunked.Applications);

        // Loss and gradient: chunked weighting n_c/n reproduces Loss.Compute on all 50 samples.
        var (loss, grad) = p.LossAndGradient(p.Params);
        var (cl, cg) = chunked.LossAndGradient();
        Assert.True(Math.Abs(cl - loss) <= 1e-13 * Math.Abs(loss));
        Assert.True(CurvatureFixture.RelativeError(cg, grad) < 1e-12);
        var (wl, wg) = whole.LossAndGradient();
        Assert.Equal(loss, wl);
        Assert.Equal(grad, wg);
        Assert.Equal(3, chunked.Applications);
    }

    [Fact]
    public void BlockIsTheDiagonalBlockOfTheFullHessian()
    {
        var p = CurvatureFixture.Mlp([3, 5, 2], 30, seed: 6);
        int n = p.Model.ParameterCount;
        var h = DenseHessian.Compute(p.Model, p.Loss, p.X, p.Y, p.Params);
        // Parameters: layers.0.weight (15), layers.0.bias (5), layers.1.weight (10), layers.1.bias (2).
        var op = p.Operator(chunkSize: 9, block: [3, 1]);
        Assert.Equal([1, 3], op.Block);
        Assert.Equal(7, op.Dimension);
        int[] rows = [.. Enumerable.Range(15, 5), .. Enumerable.Range(30, 2)];
        var v = CurvatureFixture.RandomVector(7, 7);
        var expected = rows.Select(r => rows.Select((c, j) => h[r * n + c] * v[j]).Sum()).ToArray();
        Assert.True(CurvatureFixture.RelativeError(CurvatureFixture.Apply(op, v), expected) < 1e-12);
        // The shared-chunk view gives the same block.
        var view = p.Operator(chunkSize: 9).ForBlock([1, 3]);
        Assert.Equal(CurvatureFixture.Apply(op, v), CurvatureFixture.Apply(view, v));
        // Gradient restricted to the block.
        var (_, g) = p.LossAndGradient(p.Params);
        Assert.True(CurvatureFixture.RelativeError(op.LossAndGradient().Gradient, rows.Select(r => g[r]).ToArray()) < 1e-12);
    }

    [Fact]
    public void Float32OperatorAgreesWithFloat64()
    {
        var p = CurvatureFixture.Mlp([5, 12, 3], 60, seed: 8);
        var op64 = p.Operator(chunkSize: 16);
        var params32 = new ParamSet<float>(p.Params.Names, p.Params.Tensors.Select(Tensor.Cast<double, float>).ToArray());
        var op32 = new HessianOperator<float>(p.Model, p.Loss, Tensor.Cast<double, float>(p.X), Tensor.Cast<double, float>(p.Y), params32, chunkSize: 16);
        Assert.Equal(op64.Dimension, op32.Dimension);
        var v = CurvatureFixture.RandomVector(op64.Dimension, 9);
        double err = CurvatureFixture.RelativeError(CurvatureFixture.Apply(op32, v), CurvatureFixture.Apply(op64, v));
        Assert.True(err < 1e-4, $"float32 vs float64 HVP: relative error {err:E2}");
        var opts = new LanczosOptions { Tolerance = 1e-5, Seed = 3 };
        double top64 = Lanczos.Top(op64, 1, opts).Values[0];
        double top32 = Lanczos.Top(op32, 1, opts).Values[0];
        Assert.True(Math.Abs(top32 - top64) <= 1e-4 * Math.Abs(top64), $"top eigenvalue float32 {top32} vs float64 {top64}");
    }

    [Fact]
    public void ThetaIsCopiedAndShapesAreChecked()
    {
        var p = CurvatureFixture.Mlp([3, 4, 2], 10, seed: 10);
        var theta = p.Params.Clone();
        var op = new HessianOperator<double>(p.Model, p.Loss, p.X, p.Y, theta);
        var v = CurvatureFixture.RandomVector(op.Dimension, 1);
        var before = CurvatureFixture.Apply(op, v);
        theta[0].MutableSpan.Fill(3.0);
        Assert.Equal(before, CurvatureFixture.Apply(op, v));
        Assert.Throws<TensorShapeException>(() => new HessianOperator<double>(p.Model, p.Loss, p.X, Tensor.Zeros<double>(10, 5), p.Params));
        Assert.Throws<ArgumentException>(() => new HessianOperator<double>(p.Model, p.Loss, p.X, p.Y, p.Params, block: [0, 0]));
        Assert.Throws<ArgumentException>(() => op.Apply(new double[3], new double[op.Dimension]));
    }
}
