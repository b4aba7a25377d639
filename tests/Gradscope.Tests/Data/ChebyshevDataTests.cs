using Gradscope.Data;
using Gradscope.Lab;
using Gradscope.Lab.Spec;
using Gradscope.Random;

namespace Gradscope.Tests.Data;

public class ChebyshevDataTests
{
    private static Dataset<double> Make(int? samples = null, int? degree = null, int? testSamples = null) =>
        DatasetFactory.Create<double>(new DataOptions { Kind = "chebyshev", Samples = samples, Degree = degree, TestSamples = testSamples }, RngKey.FromSeed(0));

    private static double T5(double x) => (16 * Math.Pow(x, 5)) - (20 * Math.Pow(x, 3)) + (5 * x);

    private static void Near(double expected, double actual, double tol = 1e-13) =>
        Assert.True(Math.Abs(expected - actual) <= tol, $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void DefaultIsCohenEtAlsDegreeFiveOnTwentyEquallySpacedPoints()
    {
        var d = Make();
        Assert.Equal("chebyshev", d.Kind);
        Assert.Equal(TaskKind.Regression, d.Task);
        Assert.Equal(0, d.Classes);
        Assert.Null(d.Test);
        Assert.Null(d.Train.Labels);
        Assert.Equal([20, 1], d.Train.X.Shape);
        Assert.Equal([20, 1], d.Train.Y.Shape);
        for (int i = 0; i < 20; i++)
        {
            double x = d.Train.X[i, 0];
            Near(-1 + (2.0 * i / 19), x, 1e-15);
            Near(T5(x), d.Train.Y[i, 0], 1e-13);
        }
        // Both ends of [−1, 1] are included exactly, and the grid is symmetric: T5 is odd.
        Assert.Equal(-1.0, d.Train.X[0, 0]);
        Assert.Equal(1.0, d.Train.X[19, 0]);
        Assert.Equal(-1.0, d.Train.Y[0, 0]);
        Assert.Equal(1.0, d.Train.Y[19, 0]);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(-d.Train.X[19 - i, 0], d.Train.X[i, 0]);
            Assert.Equal(-d.Train.Y[19 - i, 0], d.Train.Y[i, 0]);
        }
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 2)]
    [InlineData(2, 7)]
    [InlineData(3, 20)]
    [InlineData(8, 33)]
    public void TargetsAreChebyshevPolynomialsOfTheFirstKind(int k, int n)
    {
        var d = Make(n, k);
        Assert.Equal([n, 1], d.Train.X.Shape);
        for (int i = 0; i < n; i++)
        {
            double x = d.Train.X[i, 0];
            // T_k(cos φ) = cos(kφ) on [−1, 1].
            Near(Math.Cos(k * Math.Acos(x)), d.Train.Y[i, 0], 1e-12);
            Assert.InRange(d.Train.Y[i, 0], -1 - 1e-12, 1 + 1e-12);
        }
        Assert.Equal(1.0, d.Train.Y[n - 1, 0]);   // T_k(1) = 1
        Assert.Equal(k % 2 == 0 ? 1.0 : -1.0, d.Train.Y[0, 0]);   // T_k(−1) = (−1)^k
    }

    [Fact]
    public void TestSamplesAreASecondGridAndFloat32IsFloat64Rounded()
    {
        var d = Make(testSamples: 101);
        Assert.NotNull(d.Test);
        Assert.Equal([101, 1], d.Test!.X.Shape);
        Assert.Equal(0.0, d.Test.X[50, 0]);
        Near(T5(0.3), d.Test.Y[65, 0], 1e-13);

        var f = DatasetFactory.Create<float>(new DataOptions { Kind = "chebyshev" }, RngKey.FromSeed(5));
        var e = Make();
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal((float)e.Train.X[i, 0], f.Train.X[i, 0]);
            Assert.Equal((float)e.Train.Y[i, 0], f.Train.Y[i, 0]);
        }
    }

    [Fact]
    public void BadOptionsNameTheirKey()
    {
        Assert.Contains("data.degree", Assert.Throws<DataException>(() => Make(degree: -1)).Message);
        Assert.Contains("data.samples", Assert.Throws<DataException>(() => Make(samples: 1)).Message);
        Assert.Contains("data.test_samples", Assert.Throws<DataException>(() => Make(testSamples: 1)).Message);
        Assert.Contains("data.hidden", Assert.Throws<DataException>(() =>
            DatasetFactory.Create<double>(new DataOptions { Kind = "chebyshev", Hidden = 3 }, RngKey.FromSeed(0))).Message);
        Assert.Contains("data.inputs", Assert.Throws<DataException>(() =>
            DatasetFactory.Create<double>(new DataOptions { Kind = "chebyshev", Inputs = 2 }, RngKey.FromSeed(0))).Message);
    }

    private const string Spec = """
        name: eos-chebyshev
        data: { kind: chebyshev }
        model: { kind: mlp, widths: [1, 100, 1], activation: tanh }
        optimizer: { kind: gd, lr: 0.01 }
        steps: 10
        """;

    [Fact]
    public void SpecWithChebyshevDataBuildsThroughTheLab()
    {
        var spec = SpecLoader.Parse(Spec, "yaml");
        Assert.Equal(DataKind.Chebyshev, spec.Data.Kind);
        Assert.Equal(20, spec.Data.Samples);
        Assert.Equal(5, spec.Data.Degree);
        var e = ExperimentBuilder.Build<double>(spec);
        Assert.Equal([20, 1], e.Data.Train.X.Shape);
        Assert.Null(e.Data.Test);
        for (int i = 0; i < 20; i++)
        {
            Near(T5(e.Data.Train.X[i, 0]), e.Data.Train.Y[i, 0], 1e-13);
        }

        var e3 = ExperimentBuilder.Build<float>(SpecLoader.Parse(Spec, "yaml", ["data.degree=3", "data.samples=7", "dtype=float32"]));
        Assert.Equal([7, 1], e3.Data.Train.Y.Shape);
        Assert.Equal((float)((4 * Math.Pow(1.0 / 3, 3)) - (3.0 / 3)), e3.Data.Train.Y[4, 0]);   // T3(1/3)
    }

    private static IReadOnlyList<SpecError> Errors(params string[] overrides) =>
        Assert.Throws<SpecException>(() => SpecLoader.Parse(Spec, "yaml", overrides)).Errors;

    [Fact]
    public void SpecRejectsBadDegreeSamplesAndWidths()
    {
        Assert.Contains(Errors("data.degree=-1"), e => e.Path == "data.degree");
        Assert.Contains(Errors("data.degree=2.5"), e => e.Path == "data.degree");
        Assert.Contains(Errors("data.samples=1"), e => e.Path == "data.samples");
        Assert.Contains(Errors("model.widths=[2, 10, 1]"), e => e.Path == "model.widths.0");
        Assert.Contains(Errors("model.widths=[1, 10, 3]"), e => e.Path == "model.widths.2");
        Assert.Contains(Errors("data.hidden=4"), e => e.Path == "data.hidden");
        Assert.Contains(Errors("loss=cross-entropy"), e => e.Path == "loss");
    }

    [Fact]
    public void BadDegreeReachingTheBuilderIsABadInputNamingDataDegree()
    {
        // The loader stops a negative degree first (SpecException above); a spec built in code
        // bypasses it and the data layer's check surfaces as BadInputException.
        var spec = SpecLoader.Parse(Spec, "yaml");
        var bad = spec with { Data = spec.Data with { Degree = -2 } };
        var ex = Assert.Throws<BadInputException>(() => ExperimentBuilder.Build<double>(bad));
        Assert.Contains("data.degree", ex.Message);
    }
}
