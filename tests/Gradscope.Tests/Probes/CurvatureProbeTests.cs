using Gradscope.Curvature;
using Gradscope.Data;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Optim;
using Gradscope.Probes;
using Gradscope.Probes.Curvature;
using Gradscope.Random;
using Gradscope.Tests.Training;

namespace Gradscope.Tests.Probes;

/// <summary>Curvature probes against the exact dense Hessian of a small tanh MLP (the oracle).</summary>
public class CurvatureProbeTests
{
    private static readonly Mlp Model = new([4, 6, 4], Activation.Tanh, bias: true);

    private static (Dataset<double> Data, ParamSet<double> P) Setup()
    {
        var data = SaxeFixture.LinearTeacher(4, 25, [2, 1], seed: 5);
        var p = Initializer.Create<double>(Model, new InitOptions { Kind = "xavier-normal", Gain = 1.5 }, RngKey.FromSeed(6));
        return (data, p);
    }

    private static ProbeContext<double> Context(Dataset<double> data, ParamSet<double> p, long step = 4, double lr = 0.1,
        GradientTransformation<double>? opt = null, OptimizerState<double>? state = null) => new()
    {
        Step = step,
        Time = step * lr,
        Params = p,
        Initial = p,
        Model = Model,
        Data = data,
        Loss = LossKind.Mse,
        LearningRate = lr,
        Optimizer = opt,
        OptimizerState = state,
    };

    private static (double[] Values, double[][] Vectors, double[] H) Exact(Dataset<double> data, ParamSet<double> p)
    {
        var h = DenseHessian.Compute(Model, LossKind.Mse, data.Train.X, data.Train.Y, p);
        var (v, vec) = DenseHessian.Eigen(h, Model.ParameterCount);
        return (v, vec, h);
    }

    private static CurvatureSettings Tight => new(null, 1e-10, 7, RngKey.FromSeed(9));

    [Fact]
    public void SharpnessTopBottomAndThresholdMatchTheDenseHessian()
    {
        var (data, p) = Setup();
        var (values, _, _) = Exact(data, p);
        var sink = new MemorySink();
        new SharpnessProbe<double>(Tight, top: 3, bottom: 2, perLayer: false, threshold: lr => 2 / lr).Record(Context(data, p), sink);
        Assert.Equal(values[0], sink.Values("sharpness").Single(), 1e-8 * Math.Abs(values[0]));
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(values[i], sink.Values($"hessian/eig/{i + 1}").Single(), 1e-8 * Math.Abs(values[0]));
        }
        Assert.True(values[^1] < 0, "the test point must have negative curvature");
        Assert.Equal(values[^1], sink.Values("hessian/eig/min/1").Single(), 1e-8 * Math.Abs(values[0]));
        Assert.Equal(values[^2], sink.Values("hessian/eig/min/2").Single(), 1e-8 * Math.Abs(values[0]));
        Assert.Equal(20.0, sink.Values("sharpness/threshold").Single(), 12);
        Assert.True(sink.Values("sharpness/hvps").Single() > 0);
    }

    [Fact]
    public void PerLayerSharpnessIsTheTopEigenvalueOfEachDiagonalBlock()
    {
        var (data, p) = Setup();
        var (_, _, h) = Exact(data, p);
        int n = Model.ParameterCount;
        var sink = new MemorySink();
        new SharpnessProbe<double>(Tight, perLayer: true).Record(Context(data, p), sink);
        int offset = 0;
        foreach (var layer in Model.Parameters.GroupBy(q => q.Layer))
        {
            int size = layer.Sum(q => q.Shape.Aggregate(1, (a, b) => a * b));
            var block = new double[size * size];
            for (int i = 0; i < size; i++)
            {
                for (int j = 0; j < size; j++)
                {
                    block[i * size + j] = h[(offset + i) * n + offset + j];
                }
            }
            double top = DenseHessian.Eigen(block, size).Values[0];
            Assert.Equal(top, sink.Values($"sharpness/layers.{layer.Key}").Single(), 1e-8 * Math.Abs(top));
            offset += size;
        }
    }

    [Fact]
    public void WarmStartedSharpnessNeedsFewerHvpsAtANearbyPoint()
    {
        var (data, p) = Setup();
        var probe = new SharpnessProbe<double>(new CurvatureSettings(null, 1e-6, 1024, RngKey.FromSeed(1)));
        var sink = new MemorySink();
        probe.Record(Context(data, p, step: 1), sink);
        var nearby = p.With(p.Tensors.Select(t => Gradscope.Tensors.Tensor.Mul(t, Gradscope.Tensors.Tensor.Scalar(1.0001))).ToArray());
        probe.Record(Context(data, nearby, step: 2), sink);
        var hvps = sink.Values("sharpness/hvps");
        Assert.True(hvps[1] < hvps[0], $"warm start: {hvps[1]} HVPs vs {hvps[0]} from a random start");
    }

    [Fact]
    public void GradientSubspaceOverlapIsTheGradientsShareInTheTopEigenspace()
    {
        var (data, p) = Setup();
        var (_, vectors, _) = Exact(data, p);
        var ctx = Context(data, p);
        var g = ctx.FullBatch.Grad.SelectMany(t => t.ToArray()).ToArray();
        double gg = g.Sum(x => x * x);
        double inside = vectors.Take(4).Sum(v => Math.Pow(v.Zip(g, (a, b) => a * b).Sum(), 2));
        var sink = new MemorySink();
        new GradientSubspaceProbe<double>(Tight, k: null).Record(ctx, sink);
        Assert.Equal(inside / gg, sink.Values("subspace/overlap").Single(), 1e-7);
        Assert.Equal(4.0 / Model.ParameterCount, sink.Values("subspace/random").Single(), 14);
    }

    [Fact]
    public void PreconditionedSharpnessOfAdamIsTheTopEigenvalueOfPInverseH()
    {
        var (data, p) = Setup();
        var adam = Optimizers.Create<double>(new OptimizerOptions { Kind = "adam", Lr = 0.01 });
        var state = adam.Init(p);
        var theta = p;
        for (int k = 0; k < 3; k++)
        {
            var ctx0 = Context(data, theta, step: k, lr: 0.01);
            (theta, state) = Optimizer.Step(adam, ctx0.FullBatch.Grad, state, theta, k);
        }
        var sink = new MemorySink();
        new PreconditionedSharpnessProbe<double>(Tight).Record(Context(data, theta, step: 3, lr: 0.01, adam, state), sink);

        // Oracle: P = (1 − β1^t)(sqrt(v / (1 − β2^t)) + ε) from the state itself, eigenvalues of P^{-1/2} H P^{-1/2}.
        var adamState = (AdamState<double>)((ChainState<double>)state).Inner.OfType<AdamState<double>>().Single();
        Assert.Equal(3, adamState.Count);
        double bc1 = 1 - Math.Pow(0.9, 3), bc2 = 1 - Math.Pow(0.999, 3);
        var s = adamState.ExpAvgSq.SelectMany(t => t.ToArray()).Select(v => 1 / Math.Sqrt(bc1 * (Math.Sqrt(v / bc2) + 1e-8))).ToArray();
        var (_, _, h) = Exact(data, theta);
        int n = s.Length;
        var b = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                b[i * n + j] = s[i] * h[i * n + j] * s[j];
            }
        }
        double top = DenseHessian.Eigen(b, n).Values[0];
        Assert.Equal(top, sink.Values("sharpness/preconditioned").Single(), 1e-7 * top);
        Assert.Equal((2 + 2 * 0.9) / ((1 - 0.9) * 0.01), sink.Values("sharpness/preconditioned/threshold").Single(), 9);
    }

    [Fact]
    public void PreconditionedSharpnessRecordsNothingBeforeTheFirstUpdate()
    {
        var (data, p) = Setup();
        var adam = Optimizers.Create<double>(new OptimizerOptions { Kind = "adam", Lr = 0.01 });
        var sink = new MemorySink();
        new PreconditionedSharpnessProbe<double>(Tight).Record(Context(data, p, step: 0, lr: 0.01, adam, adam.Init(p)), sink);
        Assert.Empty(sink.Rows);
    }

    [Fact]
    public void TraceAndDensityRecordsAgreeWithTheExactSpectrum()
    {
        var (data, p) = Setup();
        var (values, _, _) = Exact(data, p);
        double trace = values.Sum();
        var sink = new MemorySink();
        new HessianTraceProbe<double>(Tight, 3000).Record(Context(data, p), sink);
        double se = sink.Values("hessian/trace_stderr").Single();
        Assert.True(se > 0);
        Assert.InRange(sink.Values("hessian/trace").Single(), trace - 4 * se, trace + 4 * se);

        new HessianDensityProbe<double>(Tight, probes: 4, steps: 30, points: 400, sigma: null).Record(Context(data, p), sink);
        var grid = sink.Vectors.Single(v => v.Name == "hessian/density/grid").Values;
        var density = sink.Vectors.Single(v => v.Name == "hessian/density").Values;
        Assert.Equal(400, grid.Length);
        double mass = 0;
        for (int i = 1; i < grid.Length; i++)
        {
            mass += 0.5 * (density[i] + density[i - 1]) * (grid[i] - grid[i - 1]);
        }
        Assert.Equal(1.0, mass, 3);
        // With as many Lanczos steps as parameters the Ritz values are the eigenvalues: the extremes are exact.
        Assert.Equal(values[0], sink.Values("hessian/density/max").Single(), 1e-6 * Math.Abs(values[0]));
        Assert.Equal(values[^1], sink.Values("hessian/density/min").Single(), 1e-6 * Math.Abs(values[0]));
    }
}
