using System.Numerics;
using Gradscope.Data;
using Gradscope.Landscape;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Tests.Landscape;

public class SurfaceTests
{
    private static readonly Mlp Tanh = new([6, 8, 5, 3], Activation.Tanh, bias: true);

    private sealed record Setup<T>(Mlp Model, DataSplit<T> Train, DataSplit<T> Test, ParamSet<T> Theta, ParamSet<T> Dx, ParamSet<T> Dy)
        where T : unmanaged, IFloatingPointIeee754<T>;

    private static Setup<T> Make<T>(Mlp? model = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        model ??= Tanh;
        var theta = LandscapeFixture.Params<T>(model, 1);
        return new Setup<T>(model,
            LandscapeFixture.Classification<T>(40, model.InputSize, model.OutputSize, 2),
            LandscapeFixture.Classification<T>(15, model.InputSize, model.OutputSize, 3),
            theta,
            Directions.FilterNormalized(model, theta, RngKey.FromSeed(4), keepBias: true),
            Directions.FilterNormalized(model, theta, RngKey.FromSeed(5), keepBias: true));
    }

    private static List<SurfacePoint> Grid<T>(Setup<T> s, GridAxis a, GridAxis? b, ForwardMode mode, int? threads = null,
        IReadOnlySet<(int, int)>? done = null, LossKind loss = LossKind.CrossEntropy) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var points = new List<SurfacePoint>();
        Surface.Evaluate(s.Model, loss, s.Train, s.Test, s.Theta, s.Dx, b is null ? null : s.Dy, a, b, points.Add, done, threads, mode: mode);
        return points;
    }

    private static Dictionary<(int, int), SurfacePoint> ByIndex(IEnumerable<SurfacePoint> ps) => ps.ToDictionary(p => (p.I, p.J));

    [Theory]
    [InlineData(ForwardMode.Auto)]
    [InlineData(ForwardMode.Direct)]
    public void GridCentreIsExactlyTheLossAtTheta(ForwardMode mode)
    {
        foreach (var model in new[] { Tanh, new Mlp([6, 8, 3], Activation.Relu, false, Parameterization.Ntk), new Mlp([6, 3], Activation.Tanh, bias: true) })
        {
            var s = Make<double>(model);
            var grid = ByIndex(Grid(s, new GridAxis(-1, 1, 5), new GridAxis(-0.5, 0.5, 3), mode));
            Assert.Equal(15, grid.Count);
            var c = grid[(2, 1)];
            Assert.Equal((0.0, 0.0), (c.Alpha, c.Beta));
            Assert.Equal(LandscapeFixture.Loss(s.Model, LossKind.CrossEntropy, s.Train, s.Theta), c.Loss);
            Assert.Equal(LandscapeFixture.Loss(s.Model, LossKind.CrossEntropy, s.Test, s.Theta), c.TestLoss);
            using (Gradscope.Autodiff.GradMode.NoGrad())
            {
                Assert.Equal(Loss.Accuracy(s.Model.Forward(s.Theta, s.Train.X), s.Train.Y), c.Accuracy);
                Assert.Equal(Loss.Accuracy(s.Model.Forward(s.Theta, s.Test.X), s.Test.Y), c.TestAccuracy);
            }
            // Away from the centre the loss changes (the test can fail).
            Assert.NotEqual(c.Loss, grid[(0, 0)].Loss);
        }
    }

    /// <summary>
    /// The factored path runs samples through in blocks of rows (about 16K values each); with wide layers
    /// and a partial last block the centre must still be the full-batch forward pass bit for bit.
    /// </summary>
    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.Softplus)]
    [InlineData(Activation.Sigmoid)]
    public void BlockedFactoredForwardIsExactAtTheCentre(Activation activation)
    {
        foreach (var (model, n) in new[] { (new Mlp([5, 150, 7, 3], activation, bias: true), 333), (new Mlp([9, 200, 4], activation, bias: false), 1000) })
        {
            Check<double>(model, n);
            Check<float>(model, n);
        }
        static void Check<T>(Mlp model, int n) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var data = LandscapeFixture.Classification<T>(n, model.InputSize, model.OutputSize, 61);
            var theta = LandscapeFixture.Params<T>(model, 62);
            var d = Directions.FilterNormalized(model, theta, RngKey.FromSeed(63));
            var e = Directions.FilterNormalized(model, theta, RngKey.FromSeed(64));
            var pts = new List<SurfacePoint>();
            var axis = new GridAxis(-1, 1, 3);
            Surface.Evaluate(model, LossKind.CrossEntropy, data, data, theta, d, e, axis, axis, pts.Add);
            var c = pts.Single(p => p.I == 1 && p.J == 1);
            double want = LandscapeFixture.Loss(model, LossKind.CrossEntropy, data, theta);
            Assert.Equal(want, c.Loss);
            Assert.Equal(want, c.TestLoss);
            var corner = pts.Single(p => p.I == 2 && p.J == 0);
            double byHand = LandscapeFixture.Loss(model, LossKind.CrossEntropy, data, LandscapeFixture.ByHand(theta, d, 1, e, -1));
            Assert.Equal(byHand, corner.Loss, (typeof(T) == typeof(float) ? 1e-5 : 1e-12) * byHand);
        }
    }

    [Fact]
    public void GridCentreIsExactInFloat32Too()
    {
        var s = Make<float>();
        foreach (var mode in new[] { ForwardMode.Auto, ForwardMode.Direct })
        {
            var c = ByIndex(Grid(s, new GridAxis(-1, 1, 3), new GridAxis(-1, 1, 3), mode))[(1, 1)];
            Assert.Equal(LandscapeFixture.Loss(s.Model, LossKind.CrossEntropy, s.Train, s.Theta), c.Loss);
        }
    }

    [Fact]
    public void GridValuesEqualDirectEvaluationOfThetaPlusAlphaDeltaPlusBetaEta()
    {
        var s = Make<double>();
        var a = new GridAxis(-1, 1, 5);
        var b = new GridAxis(-0.5, 1.5, 3);
        var direct = ByIndex(Grid(s, a, b, ForwardMode.Direct));
        var auto = ByIndex(Grid(s, a, b, ForwardMode.Auto));
        foreach (var (i, j) in new[] { (0, 0), (4, 2), (1, 2), (3, 0), (2, 2) })
        {
            var p = LandscapeFixture.ByHand(s.Theta, s.Dx, a[i], s.Dy, b[j]);
            double want = LandscapeFixture.Loss(s.Model, LossKind.CrossEntropy, s.Train, p);
            double wantTest = LandscapeFixture.Loss(s.Model, LossKind.CrossEntropy, s.Test, p);
            Assert.Equal(want, direct[(i, j)].Loss);                // same parameters, same forward: bitwise
            Assert.Equal(wantTest, direct[(i, j)].TestLoss);
            Assert.Equal(want, auto[(i, j)].Loss, 1e-12 * want);   // factored first layer: equal to rounding
            Assert.Equal(wantTest, auto[(i, j)].TestLoss, 1e-12 * wantTest);
            Assert.Equal((a[i], b[j]), (direct[(i, j)].Alpha, direct[(i, j)].Beta));
        }
    }

    [Fact]
    public void Float32GridValuesAgreeWithDirectEvaluation()
    {
        var s = Make<float>();
        var a = new GridAxis(-1, 1, 3);
        var auto = ByIndex(Grid(s, a, a, ForwardMode.Auto, loss: LossKind.Mse));
        var direct = ByIndex(Grid(s, a, a, ForwardMode.Direct, loss: LossKind.Mse));
        foreach (var (i, j) in new[] { (0, 0), (2, 1), (0, 2) })
        {
            double want = LandscapeFixture.Loss(s.Model, LossKind.Mse, s.Train, LandscapeFixture.ByHand(s.Theta, s.Dx, a[i], s.Dy, a[j]));
            Assert.Equal(want, direct[(i, j)].Loss);
            Assert.Equal(want, auto[(i, j)].Loss, 1e-5 * want);
        }
    }

    [Fact]
    public void ResumeEvaluatesOnlyThePointsNotDoneWithTheSameValues()
    {
        var s = Make<double>();
        var a = new GridAxis(-1, 1, 6);
        var b = new GridAxis(-1, 1, 4);
        var full = ByIndex(Grid(s, a, b, ForwardMode.Auto));
        Assert.Equal(24, full.Count);
        var done = full.Keys.Where(k => (k.Item1 + 3 * k.Item2) % 2 == 0).ToHashSet();
        Assert.Equal(12, done.Count);
        var rest = Grid(s, a, b, ForwardMode.Auto, threads: 2, done: done);
        Assert.Equal(12, rest.Count);
        foreach (var p in rest)
        {
            Assert.DoesNotContain((p.I, p.J), done);
            Assert.Equal(full[(p.I, p.J)], p);
        }
        Assert.Equal(24, done.Union(rest.Select(p => (p.I, p.J))).Count());
        Assert.Empty(Grid(s, a, b, ForwardMode.Auto, done: full.Keys.ToHashSet()));
    }

    [Theory]
    [InlineData(ForwardMode.Auto)]
    [InlineData(ForwardMode.Direct)]
    public void ParallelEqualsSerialBitwise(ForwardMode mode)
    {
        var s = Make<double>();
        var a = new GridAxis(-1, 1, 7);
        var serial = ByIndex(Grid(s, a, a, mode, threads: 1));
        foreach (int t in new[] { 2, 3 })
        {
            var par = ByIndex(Grid(s, a, a, mode, threads: t));
            Assert.Equal(serial.Count, par.Count);
            foreach (var (k, p) in serial)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(p.Loss), BitConverter.DoubleToInt64Bits(par[k].Loss));
                Assert.Equal(BitConverter.DoubleToInt64Bits(p.TestLoss), BitConverter.DoubleToInt64Bits(par[k].TestLoss));
            }
        }
        var s32 = Make<float>();
        var f1 = ByIndex(Grid(s32, a, a, mode, threads: 1));
        var f2 = ByIndex(Grid(s32, a, a, mode, threads: 2));
        Assert.All(f1, kv => Assert.Equal(kv.Value.Loss, f2[kv.Key].Loss));
    }

    [Theory]
    [InlineData(ForwardMode.Auto)]
    [InlineData(ForwardMode.Direct)]
    public void InterpolationEndpointsAreTheLossesAtBothEnds(ForwardMode mode)
    {
        var s = Make<double>();
        var to = LandscapeFixture.Params<double>(s.Model, 99);
        var axis = GridAxis.Parse("-0.5:1.5:9");
        var points = new List<SurfacePoint>();
        Surface.Interpolate(s.Model, LossKind.CrossEntropy, s.Train, s.Test, s.Theta, to, axis, points.Add, mode: mode);
        var byI = points.ToDictionary(p => p.I);
        Assert.Equal(9, byI.Count);
        Assert.All(points, p => Assert.Equal((0, 0.0), (p.J, p.Beta)));
        Assert.Equal(0.0, byI[2].Alpha);
        Assert.Equal(1.0, byI[6].Alpha);
        Assert.Equal(LandscapeFixture.Loss(s.Model, LossKind.CrossEntropy, s.Train, s.Theta), byI[2].Loss);
        Assert.Equal(LandscapeFixture.Loss(s.Model, LossKind.CrossEntropy, s.Train, to), byI[6].Loss);
        Assert.Equal(LandscapeFixture.Loss(s.Model, LossKind.CrossEntropy, s.Test, s.Theta), byI[2].TestLoss);
        Assert.Equal(LandscapeFixture.Loss(s.Model, LossKind.CrossEntropy, s.Test, to), byI[6].TestLoss);
        // Between and beyond: (1 − α)θ₀ + αθ₁.
        foreach (int i in new[] { 0, 3, 8 })
        {
            double al = axis[i];
            var p = new ParamSet<double>(s.Theta.Names, s.Theta.Tensors.Zip(to.Tensors,
                (x, y) => Tensor.Add(Tensor.MulScalar(x, 1 - al), Tensor.MulScalar(y, al))).ToArray());
            double want = LandscapeFixture.Loss(s.Model, LossKind.CrossEntropy, s.Train, p);
            Assert.Equal(want, byI[i].Loss, 1e-12 * want);
        }
    }

    [Fact]
    public void OneDimensionalSliceHasJZeroAndMatchesTheTwoDimensionalRowAtBetaZero()
    {
        var s = Make<double>();
        var a = new GridAxis(-1, 1, 5);
        var line = Grid(s, a, null, ForwardMode.Auto);
        Assert.Equal(5, line.Count);
        Assert.All(line, p => Assert.Equal((0, 0.0), (p.J, p.Beta)));
        var plane = ByIndex(Grid(s, a, new GridAxis(-1, 1, 3), ForwardMode.Auto));
        foreach (var p in line)
        {
            Assert.Equal(plane[(p.I, 1)].Loss, p.Loss);   // β = 0 skips the η term: the same value
        }
        Assert.Throws<ArgumentException>(() => Surface.Evaluate(s.Model, LossKind.Mse, s.Train, null, s.Theta, s.Dx, s.Dy, a, null, _ => { }));
        Assert.Throws<ArgumentException>(() => Surface.Evaluate(s.Model, LossKind.Mse, s.Train, null, s.Theta, s.Dx, null, a, a, _ => { }));
    }

    [Fact]
    public void RegressionHasNaNAccuracyAndNoTestGivesNaNTestLoss()
    {
        var model = new Mlp([4, 6, 2], Activation.Tanh, bias: true);
        var data = LandscapeFixture.Regression<double>(30, 4, 2, 7);
        var theta = LandscapeFixture.Params<double>(model, 8);
        var d = Directions.FilterNormalized(model, theta, RngKey.FromSeed(9));
        var points = new List<SurfacePoint>();
        Surface.Evaluate(model, LossKind.Mse, data, null, theta, d, null, new GridAxis(-1, 1, 3), null, points.Add);
        Assert.All(points, p =>
        {
            Assert.True(double.IsNaN(p.Accuracy) && double.IsNaN(p.TestLoss) && double.IsNaN(p.TestAccuracy));
            Assert.True(double.IsFinite(p.Loss));
        });
    }

    /// <summary>
    /// ReLU is positively homogeneous: scaling layer 0 by c and the next weight by 1/c leaves the function
    /// unchanged. Filter-normalised directions drawn with the same key scale with the filters, so the whole
    /// 1-D slice is unchanged (Li et al. 2018, §4) — and a raw Gaussian direction's is not.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FilterNormalizedSliceOfAReluNetIsInvariantToRescalingLayers(bool bias)
    {
        var model = new Mlp([6, 10, 8, 3], Activation.Relu, bias);
        var data = LandscapeFixture.Classification<double>(50, 6, 3, 21);
        var theta = LandscapeFixture.Params<double>(model, 22);
        const double c = 3.7;
        var scaled = theta.With(theta.Tensors.Select((t, i) =>
        {
            var spec = model.Parameters[i];
            double f = spec.Layer == 0 ? c : spec.Layer == 1 && !spec.IsBias ? 1 / c : 1;
            return f == 1 ? t : Tensor.MulScalar(t, f);
        }).ToArray());
        var axis = new GridAxis(-1, 1, 21);
        double[] Curve(ParamSet<double> p, DirectionKind kind, ForwardMode mode)
        {
            var d = Directions.Create(kind, model, p, RngKey.FromSeed(23), keepBias: bias);
            var pts = new List<SurfacePoint>();
            Surface.Evaluate(model, LossKind.CrossEntropy, data, null, p, d, null, axis, null, pts.Add, mode: mode);
            return pts.OrderBy(q => q.I).Select(q => q.Loss).ToArray();
        }
        foreach (var mode in new[] { ForwardMode.Auto, ForwardMode.Direct })
        {
            var a = Curve(theta, DirectionKind.FilterNormalized, mode);
            var b = Curve(scaled, DirectionKind.FilterNormalized, mode);
            Assert.True(a.Max() - a.Min() > 0.01, "the slice must not be flat");
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-10 * Math.Abs(a[i]), $"{mode} α = {axis[i]}: {a[i]} vs {b[i]}");
            }
        }
        var ra = Curve(theta, DirectionKind.Random, ForwardMode.Auto);
        var rb = Curve(scaled, DirectionKind.Random, ForwardMode.Auto);
        Assert.Contains(Enumerable.Range(0, ra.Length), i => Math.Abs(ra[i] - rb[i]) > 1e-3 * Math.Abs(ra[i]));
    }

    [Fact]
    public void CancellationStopsTheGridAndErrorsInOnPointPropagate()
    {
        var s = Make<double>();
        var a = new GridAxis(-1, 1, 10);
        using var cts = new CancellationTokenSource();
        int seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => Surface.Evaluate(s.Model, LossKind.CrossEntropy, s.Train, null, s.Theta, s.Dx, s.Dy, a, a,
            _ =>
            {
                if (++seen == 5)
                {
                    cts.Cancel();
                }
            }, threads: 2, cancel: cts.Token));
        Assert.InRange(seen, 5, 7);
        var ex = Assert.Throws<InvalidOperationException>(() => Surface.Evaluate(s.Model, LossKind.CrossEntropy, s.Train, null, s.Theta, s.Dx, s.Dy, a, a,
            _ => throw new InvalidOperationException("store full"), threads: 2));
        Assert.Equal("store full", ex.Message);
    }

    [Fact]
    public void ShapeMismatchesAreRejected()
    {
        var s = Make<double>();
        var other = LandscapeFixture.Params<double>(new Mlp([6, 9, 5, 3], Activation.Tanh, bias: true), 1);
        var a = new GridAxis(-1, 1, 3);
        Assert.ThrowsAny<Exception>(() => Surface.Evaluate(s.Model, LossKind.Mse, s.Train, null, s.Theta, other, null, a, null, _ => { }));
        Assert.ThrowsAny<Exception>(() => Surface.Interpolate(s.Model, LossKind.Mse, s.Train, null, s.Theta, other, a, _ => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Surface.Evaluate(s.Model, LossKind.Mse, s.Train, null, s.Theta, s.Dx, null, a, null, _ => { }, threads: 0));
    }
}
