using Gradscope.Data;
using Gradscope.Landscape;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Probes;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Tests.Landscape;

public class RoughnessTests
{
    /// <summary>A point θ* of two tensors ([3, 4] and [5]: 17 parameters).</summary>
    private static ParamSet<double> Point(long seed) =>
        new(["w", "b"], [Tensor.Normal<double>(RngKey.FromSeed(seed), [3, 4]), Tensor.Normal<double>(RngKey.FromSeed(seed + 1), [5])]);

    /// <summary>f(θ) = c + ½ (θ − θ*)ᵀ A (θ − θ*), A = BᵀB + 0.1 I positive definite.</summary>
    private static Func<ParamSet<double>, double> Quadratic(ParamSet<double> min, double c, long seed)
    {
        int n = (int)min.Size;
        var b = Tensor.Normal<double>(RngKey.FromSeed(seed), [n, n]).Span.ToArray();
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? 0.1 : 0;
                for (int k = 0; k < n; k++)
                {
                    s += b[k * n + i] * b[k * n + j];
                }
                a[i * n + j] = s;
            }
        }
        var star = min.Flatten();
        return p =>
        {
            var x = p.Flatten();
            for (int i = 0; i < n; i++)
            {
                x[i] -= star[i];
            }
            double q = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    q += x[i] * a[i * n + j] * x[j];
                }
            }
            return c + 0.5 * q;
        };
    }

    private static Func<int, ParamSet<double>> RandomDirections(ParamSet<double> like, long seed) =>
        i => Directions.Random(like, RngKey.FromSeed(seed).Fold((ulong)i));

    [Theory]
    [InlineData(10, 0.1)]
    [InlineData(11, 0.5)]
    [InlineData(3, 1.0)]
    public void QuadraticAtItsMinimumHasRoughnessZero(int points, double radius)
    {
        var star = Point(1);
        var r = RoughnessIndex.Compute(Quadratic(star, 3.0, 2), star, RandomDirections(star, 3), 30, points, radius);
        Assert.Equal((30, points, radius), (r.Directions, r.Points, r.Radius));
        Assert.Equal(0, r.FlatDirections);
        Assert.All(r.T, t => Assert.Equal(1 / radius, t, 1e-9 / radius));
        Assert.True(Math.Abs(r.Index) <= 1e-9, $"RI = {r.Index}");
    }

    [Fact]
    public void LinearFunctionHasRoughnessZero()
    {
        var theta = Point(4);
        var a = Point(5).Flatten();
        double F(ParamSet<double> p) => 2.5 + p.Flatten().Zip(a, (x, y) => x * y).Sum();
        var r = RoughnessIndex.Compute(F, theta, RandomDirections(theta, 6), 40, 10, 0.1);
        Assert.All(r.T, t => Assert.Equal(1 / (2 * 0.1), t, 1e-9));
        Assert.True(Math.Abs(r.Index) <= 1e-9, $"RI = {r.Index}");
    }

    [Fact]
    public void RoughOrOffMinimumFunctionsHavePositiveRoughness()
    {
        var star = Point(1);
        var q = Quadratic(star, 0, 2);
        // Away from the minimum some directions are monotone on [−l, l] and some are not: T differs.
        var off = Point(1).Unflatten(star.Flatten().Select(v => v + 0.5).ToArray());
        double ri = RoughnessIndex.Compute(q, off, RandomDirections(star, 3), 40, 10, 0.1).Index;
        Assert.True(ri > 0.05, $"off the minimum: RI = {ri}");
        // An oscillating term makes the landscape rough.
        double Wavy(ParamSet<double> p) => 0.01 * q(p) + p.Flatten().Sum(v => Math.Sin(40 * v));
        double wavy = RoughnessIndex.Compute(Wavy, star, RandomDirections(star, 3), 40, 10, 0.5).Index;
        Assert.True(wavy > 0.05, $"wavy: RI = {wavy}");
    }

    [Fact]
    public void FlatDirectionsAreExcludedAndCounted()
    {
        var star = Point(1);
        // f depends on "w" only; directions that move "b" only are flat.
        var w = star["w"].Span.ToArray();
        double F(ParamSet<double> p) => p["w"].Span.ToArray().Zip(w, (x, y) => (x - y) * (x - y)).Sum();
        ParamSet<double> Dir(int i)
        {
            var d = Directions.Random(star, RngKey.FromSeed(7).Fold((ulong)i));
            return i % 3 == 0 ? d.With([Tensor.Zeros<double>(3, 4), d["b"]]) : d;
        }
        var r = RoughnessIndex.Compute(F, star, Dir, 12, 9, 0.2);
        Assert.Equal(4, r.FlatDirections);
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(i % 3 == 0, double.IsNaN(r.T[i]));
        }
        Assert.True(Math.Abs(r.Index) <= 1e-9);
        Assert.Equal(0.0, RoughnessIndex.Compute(_ => 1.0, star, Dir, 3, 5, 0.2).Index);
        Assert.True(double.IsNaN(RoughnessIndex.Compute(p => double.NaN, star, Dir, 3, 5, 0.2).Index));
    }

    [Fact]
    public void NormalizedTotalVariationFollowsTheDefinition()
    {
        // Monotone: 1/(2l). Down and up with equal ends: 1/l. Two oscillations: more.
        Assert.Equal(1 / 0.2, RoughnessIndex.NormalizedTotalVariation([0, 1, 2, 5], 0.1, 1e-14), 12);
        Assert.Equal(1 / 0.1, RoughnessIndex.NormalizedTotalVariation([4, 1, 0, 2, 4], 0.1, 1e-14), 12);
        Assert.Equal(4 * 4 / (0.2 * 4), RoughnessIndex.NormalizedTotalVariation([4, 0, 4, 0, 4], 0.1, 1e-14), 12);
        Assert.True(double.IsNaN(RoughnessIndex.NormalizedTotalVariation([3, 3, 3], 0.1, 1e-14)));
    }

    [Fact]
    public void NetworkRoughnessIsTheGenericIndexOfItsLossAndIndependentOfThreads()
    {
        var model = new Mlp([5, 12, 3], Activation.Tanh, bias: true);
        var data = LandscapeFixture.Classification<double>(40, 5, 3, 31);
        var theta = LandscapeFixture.Params<double>(model, 32);
        var key = RngKey.FromSeed(33);
        var serial = RoughnessIndex.Compute(model, LossKind.CrossEntropy, data, theta, key, 8, 7, 0.5, threads: 1, mode: ForwardMode.Direct);
        var parallel = RoughnessIndex.Compute(model, LossKind.CrossEntropy, data, theta, key, 8, 7, 0.5, threads: 2, mode: ForwardMode.Direct);
        var generic = RoughnessIndex.Compute(p => LandscapeFixture.Loss(model, LossKind.CrossEntropy, data, p), theta,
            i => Directions.FilterNormalized(model, theta, key.Fold((ulong)i)), 8, 7, 0.5);
        Assert.Equal(generic.T, serial.T);
        Assert.Equal(generic.Index, serial.Index);
        Assert.Equal(serial.T, parallel.T);
        Assert.True(serial.Index > 0 && double.IsFinite(serial.Index));
        var auto = RoughnessIndex.Compute(model, LossKind.CrossEntropy, data, theta, key, 8, 7, 0.5, threads: 2);
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(serial.T[i], auto.T[i], 1e-8 * serial.T[i]);
        }
        var other = RoughnessIndex.Compute(model, LossKind.CrossEntropy, data, theta, RngKey.FromSeed(34), 8, 7, 0.5);
        Assert.NotEqual(serial.T, other.T);
        Assert.Throws<ArgumentException>(() => RoughnessIndex.Compute(model, LossKind.CrossEntropy, data, theta, key, kind: DirectionKind.TrajectoryPca));
        Assert.Throws<ArgumentOutOfRangeException>(() => RoughnessIndex.Compute(model, LossKind.CrossEntropy, data, theta, key, directions: 1));
    }

    [Fact]
    public void ProbeWritesTheIndexWithTheKeyFoldedWithTheStep()
    {
        var model = new Mlp([5, 12, 3], Activation.Relu, bias: true);
        var train = LandscapeFixture.Classification<double>(40, 5, 3, 41);
        var theta = LandscapeFixture.Params<double>(model, 42);
        var key = RngKey.FromSeed(43);
        var probe = new RoughnessProbe<double>(6, 8, 0.3, key);
        Assert.Equal("roughness", probe.Kind);
        var sink = new MemorySink();
        foreach (long step in new long[] { 7, 8 })
        {
            probe.Record(new ProbeContext<double>
            {
                Step = step,
                Time = step * 0.1,
                Params = theta,
                Initial = theta,
                Model = model,
                Data = new Dataset<double>("test", TaskKind.Classification, train, null, 3),
                Loss = LossKind.CrossEntropy,
            }, sink);
        }
        var values = sink.Values("landscape/roughness");
        Assert.Equal([7L, 8L], sink.Steps("landscape/roughness"));
        Assert.Equal(RoughnessIndex.Compute(model, LossKind.CrossEntropy, train, theta, key.Fold(7), 6, 8, 0.3).Index, values[0]);
        Assert.Equal(RoughnessIndex.Compute(model, LossKind.CrossEntropy, train, theta, key.Fold(8), 6, 8, 0.3).Index, values[1]);
        Assert.NotEqual(values[0], values[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RoughnessProbe<double>(1, 8, 0.3, key));
    }
}
