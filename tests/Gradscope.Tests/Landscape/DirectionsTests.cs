using Gradscope.Curvature;
using Gradscope.Landscape;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Tests.Landscape;

public class DirectionsTests
{
    private static readonly Mlp Net = new([7, 9, 5, 3], Activation.Relu, bias: true);

    private static double RowNorm(Tensor<double> t, int row)
    {
        int len = t.Size / t.Shape[0];
        double s = 0;
        for (int i = 0; i < len; i++)
        {
            s += t.Span[row * len + i] * t.Span[row * len + i];
        }
        return Math.Sqrt(s);
    }

    private static double Norm(Tensor<double> t) => Math.Sqrt(t.Span.ToArray().Sum(v => v * v));

    [Fact]
    public void FilterNormalizedRowsHaveTheNormsOfThetasRowsAndBiasesAreZero()
    {
        var theta = LandscapeFixture.Params<double>(Net, 1);
        var d = Directions.FilterNormalized(Net, theta, RngKey.FromSeed(2));
        Assert.Equal(theta.Names, d.Names);
        for (int p = 0; p < theta.Count; p++)
        {
            Assert.Equal(theta[p].Shape, d[p].Shape);
            if (Net.Parameters[p].IsBias)
            {
                Assert.All(d[p].Span.ToArray(), v => Assert.Equal(0.0, v));
                Assert.Contains(theta[p].Span.ToArray(), v => v != 0);   // the bias of θ itself is not zero
                continue;
            }
            for (int r = 0; r < theta[p].Shape[0]; r++)
            {
                double want = RowNorm(theta[p], r);
                Assert.True(Math.Abs(RowNorm(d[p], r) - want) <= 1e-9 * want, $"{d.Names[p]} row {r}: {RowNorm(d[p], r)} vs {want}");
            }
        }
        // Not a rescaled copy of θ: the direction is random (its rows are not parallel to θ's).
        double cos = Dot(d[0], theta[0]) / (Norm(d[0]) * Norm(theta[0]));
        Assert.True(Math.Abs(cos) < 0.9, $"cosine {cos}");
    }

    [Fact]
    public void FilterNormalizationActsOnEachOutputFilterOfHigherRankWeights()
    {
        // A conv-like weight [out, c, k]: every slice with the same first index is one filter.
        var theta = new ParamSet<double>(["w"], [Tensor.Normal<double>(RngKey.FromSeed(3), [4, 2, 3], std: 2)]);
        var model = new FakeModel([new ParamSpec("w", [4, 2, 3], 0, false)]);
        var d = Directions.FilterNormalized(model, theta, RngKey.FromSeed(4));
        for (int r = 0; r < 4; r++)
        {
            Assert.Equal(RowNorm(theta[0], r), RowNorm(d[0], r), 12);
        }
    }

    [Fact]
    public void KeepBiasRescalesTheWholeBiasVectorToThetasBiasNorm()
    {
        var theta = LandscapeFixture.Params<double>(Net, 1);
        var d = Directions.FilterNormalized(Net, theta, RngKey.FromSeed(2), keepBias: true);
        var plain = Directions.FilterNormalized(Net, theta, RngKey.FromSeed(2));
        for (int p = 0; p < theta.Count; p++)
        {
            if (Net.Parameters[p].IsBias)
            {
                Assert.Equal(Norm(theta[p]), Norm(d[p]), 12);
            }
            else
            {
                Assert.Equal(plain[p].Span.ToArray(), d[p].Span.ToArray());   // weights unchanged by keepBias
            }
        }
    }

    [Fact]
    public void LayerNormalizedTensorsHaveThetasTensorNorms()
    {
        var theta = LandscapeFixture.Params<double>(Net, 1);
        var d = Directions.LayerNormalized(Net, theta, RngKey.FromSeed(5));
        for (int p = 0; p < theta.Count; p++)
        {
            if (Net.Parameters[p].IsBias)
            {
                Assert.All(d[p].Span.ToArray(), v => Assert.Equal(0.0, v));
            }
            else
            {
                Assert.Equal(Norm(theta[p]), Norm(d[p]), 12);
                // layer, not filter, normalisation: the row norms do not all match θ's
                Assert.Contains(Enumerable.Range(0, theta[p].Shape[0]), r => Math.Abs(RowNorm(d[p], r) - RowNorm(theta[p], r)) > 1e-3);
            }
        }
    }

    [Fact]
    public void RandomDirectionsAreStandardGaussianAndDeterministicPerKey()
    {
        var like = LandscapeFixture.Params<double>(new Mlp([200, 100, 10], Activation.Tanh, bias: true), 1);
        var a = Directions.Random(like, RngKey.FromSeed(8));
        var b = Directions.Random(like, RngKey.FromSeed(8));
        var c = Directions.Random(like, RngKey.FromSeed(9));
        var flat = a.Flatten();
        Assert.Equal(flat, b.Flatten());
        Assert.NotEqual(flat, c.Flatten());
        double mean = flat.Average(), var = flat.Select(v => (v - mean) * (v - mean)).Average();
        Assert.True(Math.Abs(mean) < 0.01 && Math.Abs(var - 1) < 0.02, $"mean {mean}, variance {var}");
        // Float32 directions are the float64 ones rounded (one flat draw, element i from (key, i)).
        var f = Directions.Random(Cast(like), RngKey.FromSeed(8));
        Assert.Equal(flat.Select(v => (float)v).ToArray(), f.Flatten());
    }

    [Fact]
    public void FilterNormalizedFloat32MatchesFloat64Rounded()
    {
        var theta = LandscapeFixture.Params<double>(Net, 1);
        var d64 = Directions.FilterNormalized(Net, theta, RngKey.FromSeed(2));
        var d32 = Directions.FilterNormalized(Net, Cast(theta), RngKey.FromSeed(2));
        var a = d64.Flatten();
        var b = d32.Flatten();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i], 1e-6 * Math.Max(1, Math.Abs(a[i])));
        }
    }

    [Fact]
    public void HessianEigenReturnsTheTopEigenvectorsOfTheDenseHessian()
    {
        var model = new Mlp([3, 4, 2], Activation.Tanh, bias: true);
        var data = LandscapeFixture.Regression<double>(20, 3, 2, 11);
        var theta = LandscapeFixture.Params<double>(model, 12);
        var dense = DenseHessian.Compute(model, LossKind.Mse, data.X, data.Y, theta);
        var (values, vectors) = DenseHessian.Eigen(dense, model.ParameterCount);
        var (found, dirs, converged) = Directions.HessianEigenpairs(model, LossKind.Mse, data, theta, 2, RngKey.FromSeed(13),
            new LanczosOptions { Tolerance = 1e-10 });
        Assert.True(converged);
        Assert.Equal(Directions.HessianEigenpairs(model, LossKind.Mse, data, theta, 2, RngKey.FromSeed(13)).Vectors.Select(x => x.Flatten()),
            Directions.HessianEigen(model, LossKind.Mse, data, theta, 2, RngKey.FromSeed(13)).Select(x => x.Flatten()), new FlatComparer());
        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(values[k], found[k], 1e-8 * Math.Abs(values[0]));
            var v = dirs[k].Flatten();
            Assert.Equal(theta.Names, dirs[k].Names);
            Assert.Equal(1.0, Math.Sqrt(v.Sum(x => x * x)), 12);
            double dot = v.Zip(vectors[k], (p, q) => p * q).Sum();
            Assert.True(Math.Abs(Math.Abs(dot) - 1) < 1e-6, $"eigenvector {k}: |cos| = {Math.Abs(dot)}");
            Assert.True(v.MaxBy(Math.Abs) > 0, "sign convention: largest entry positive");
        }
    }

    [Fact]
    public void DirectionsCheckShapesAgainstTheModel()
    {
        var theta = LandscapeFixture.Params<double>(new Mlp([7, 8, 3], Activation.Relu, bias: true), 1);
        Assert.ThrowsAny<Exception>(() => Directions.FilterNormalized(Net, theta, RngKey.FromSeed(1)));
        Assert.Throws<ArgumentException>(() => Directions.Create(DirectionKind.HessianEigen, Net, LandscapeFixture.Params<double>(Net, 1), RngKey.FromSeed(1)));
    }

    private static ParamSet<float> Cast(ParamSet<double> p) => new(p.Names, p.Tensors.Select(Tensor.Cast<double, float>).ToArray());

    private static double Dot(Tensor<double> a, Tensor<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Size; i++)
        {
            s += a.Span[i] * b.Span[i];
        }
        return s;
    }

    private sealed class FlatComparer : IEqualityComparer<double[]>
    {
        public bool Equals(double[]? x, double[]? y) => x!.SequenceEqual(y!);

        public int GetHashCode(double[] obj) => obj.Length;
    }

    /// <summary>A model with arbitrary parameter shapes (its forward pass is never called).</summary>
    private sealed class FakeModel(ParamSpec[] specs) : Model
    {
        public override IReadOnlyList<ParamSpec> Parameters => specs;

        public override int InputSize => 1;

        public override int OutputSize => 1;

        public override Tensor<T> Forward<T>(IReadOnlyList<Tensor<T>> parameters, Tensor<T> x) => throw new NotSupportedException();
    }
}
