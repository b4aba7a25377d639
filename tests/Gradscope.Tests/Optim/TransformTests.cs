using Gradscope.Nn;
using Gradscope.Optim;
using Gradscope.Tensors;

namespace Gradscope.Tests.Optim;

/// <summary>
/// Each transform against a closed form: with a constant gradient the recursions of momentum, Adam,
/// RMSprop and Adagrad sum to geometric series that can be written down by hand.
/// </summary>
public class TransformTests
{
    internal static ParamSet<double> Params(params double[][] values) =>
        new(values.Select((_, i) => $"p{i}").ToArray(), values.Select(v => Tensor.FromArray(v, v.Length)).ToArray());

    internal static Tensor<double>[] Grads(params double[][] values) => values.Select(v => Tensor.FromArray(v, v.Length)).ToArray();

    /// <summary>Runs <paramref name="steps"/> updates with the same gradient and returns the parameters after each.</summary>
    private static List<double[]> Run(GradientTransformation<double> opt, double[] theta0, double[] g, int steps)
    {
        var p = Params(theta0);
        var s = opt.Init(p);
        var r = new List<double[]>();
        for (int k = 0; k < steps; k++)
        {
            (p, s) = Optimizer.Step(opt, Grads(g), s, p);
            r.Add(p[0].ToArray());
        }
        return r;
    }

    private static void Close(double expected, double actual, double rel = 1e-14) =>
        Assert.True(Math.Abs(expected - actual) <= rel * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void GradientDescentMovesAgainstTheGradient()
    {
        var r = Run(Optimizers.Create<double>(new OptimizerOptions { Kind = "gd", Lr = 0.1 }), [1.0, -2.0], [0.5, -4.0], 3);
        Close(1.0 - (3 * 0.1 * 0.5), r[2][0]);
        Close(-2.0 + (3 * 0.1 * 4.0), r[2][1]);
    }

    /// <summary>
    /// Optimizer.Step computes plain gradient descent in one fused pass per tensor; it must give
    /// bitwise the parameters of Update followed by ApplyUpdates, the same counters, and for both
    /// dtypes (the product and the sum rounded separately, never as one fused multiply-add).
    /// </summary>
    [Fact]
    public void FusedGradientDescentStepEqualsUpdateThenApplyBitwise()
    {
        var random = new System.Random(11);
        double[] Values(int n, double scale) => Enumerable.Range(0, n).Select(_ => scale * ((2 * random.NextDouble()) - 1)).ToArray();
        foreach (double lr in new[] { 0.05, 0.3, 1e-3 })
        {
            var p = Params(Values(1024, 1), Values(37, 3), Values(1, 0.2));
            var g = Grads(Values(1024, 1e-3), Values(37, 5), Values(1, 1));
            foreach (var opt in new GradientTransformation<double>[]
                { Optimizers.Create<double>(new OptimizerOptions { Kind = "gd", Lr = lr }), new ScaleByLearningRate<double>(lr) })
            {
                var s0 = opt.Init(p);
                var (u, s1) = opt.Update(g, s0, p, 4);
                var expected = Optimizer.ApplyUpdates(p, u);
                var (actual, s2) = Optimizer.Step(opt, g, s0, p, 4);
                for (int i = 0; i < p.Count; i++)
                {
                    Assert.Equal(expected[i].ToArray(), actual[i].ToArray());
                    Assert.Equal(expected[i].Shape, actual[i].Shape);
                }
                Assert.Equal(OptimizerState.Export(s1, p.Names).Scalars, OptimizerState.Export(s2, p.Names).Scalars);
            }
            var pf = new ParamSet<float>(p.Names, p.Tensors.Select(t => Tensor.Cast<double, float>(t)).ToArray());
            var gf = g.Select(t => Tensor.Cast<double, float>(t)).ToArray();
            var optf = Optimizers.Create<float>(new OptimizerOptions { Kind = "gd", Lr = lr });
            var (uf, _) = optf.Update(gf, optf.Init(pf), pf, 0);
            var expectedF = Optimizer.ApplyUpdates(pf, uf);
            var (actualF, _) = Optimizer.Step(optf, gf, optf.Init(pf), pf, 0);
            for (int i = 0; i < pf.Count; i++)
            {
                Assert.Equal(expectedF[i].ToArray(), actualF[i].ToArray());
            }
        }
    }

    [Fact]
    public void HeavyBallMomentumFollowsPyTorchsConvention()
    {
        // v_t = Σ_{k<t} μ^k g = g (1 − μ^t)/(1 − μ) (buffer starts at g), θ_t = θ_0 − η Σ_{s≤t} v_s.
        double mu = 0.9, lr = 0.1, g = 2.0;
        var r = Run(Optimizers.Create<double>(new OptimizerOptions { Kind = "momentum", Lr = lr, Momentum = mu }), [0.0], [g], 5);
        double theta = 0;
        for (int t = 1; t <= 5; t++)
        {
            theta -= lr * g * (1 - Math.Pow(mu, t)) / (1 - mu);
            Close(theta, r[t - 1][0], 1e-13);
        }
    }

    [Fact]
    public void NesterovAddsTheLookAheadTerm()
    {
        // PyTorch: v ← μ v + g;  d = g + μ v.  Step 1: v = 2, d = 2 + 0.5·2 = 3; step 2: v = 3, d = 2 + 1.5 = 3.5.
        var r = Run(Optimizers.Create<double>(new OptimizerOptions { Kind = "nesterov", Lr = 0.1, Momentum = 0.5 }), [1.0], [2.0], 2);
        Close(1.0 - 0.3, r[0][0]);
        Close(1.0 - 0.3 - 0.35, r[1][0]);
    }

    [Fact]
    public void AdamWithConstantGradientStepsByLrTimesSign()
    {
        // m_t = (1−β1^t) g, v_t = (1−β2^t) g²: the bias corrections cancel exactly and each step is −η g/(|g| + ε).
        double lr = 0.01, eps = 1e-3;
        foreach (var g in new[] { 0.3, -2.0 })
        {
            var r = Run(Optimizers.Create<double>(new OptimizerOptions { Kind = "adam", Lr = lr, Eps = eps }), [0.0], [g], 6);
            for (int t = 1; t <= 6; t++)
            {
                Close(-t * lr * g / (Math.Abs(g) + eps), r[t - 1][0], 1e-12);
            }
        }
    }

    [Fact]
    public void AdamPlacesEpsAfterTheBiasCorrection()
    {
        // One step with g = 1e-6, ε = 1e-6, η = 0.1: PyTorch's denom = sqrt(v1)/sqrt(1−β2) + ε = 1e-6 + 1e-6 and
        // step_size = η/(1−β1) = 1, so u = −m1/denom = −1e-7/2e-6 = −0.05. Adding ε to sqrt(v1) before the
        // correction (Kingma & Ba's "efficient" form with ε̂ = ε) would give −1e-7·0.0316/(3.16e-8 + 1e-6) ≈ −0.0031.
        var r = Run(new Chain<double>(new ScaleByAdam<double>(0.9, 0.999, 1e-6), new ScaleByLearningRate<double>(0.1)), [0.0], [1e-6], 1);
        Close(-0.05, r[0][0], 1e-12);
    }

    [Fact]
    public void AdamWDecaysWeightsDecoupled()
    {
        // Zero gradient: Adam's direction is 0/(0 + ε) = 0 and only the decay acts: θ_t = θ_0 (1 − η λ)^t.
        double lr = 0.1, wd = 0.5;
        var r = Run(Optimizers.Create<double>(new OptimizerOptions { Kind = "adamw", Lr = lr, WeightDecay = wd }), [2.0, -1.0], [0.0, 0.0], 4);
        for (int t = 1; t <= 4; t++)
        {
            Close(2.0 * Math.Pow(1 - (lr * wd), t), r[t - 1][0]);
            Close(-Math.Pow(1 - (lr * wd), t), r[t - 1][1]);
        }
    }

    [Fact]
    public void AdamWDefaultsToPyTorchsWeightDecay()
    {
        var opt = (Chain<double>)Optimizers.Create<double>(new OptimizerOptions { Kind = "adamw" });
        var decay = Assert.IsType<DecoupledWeightDecay<double>>(opt.Transforms[^1]);
        Assert.Equal(1e-2, decay.WeightDecay);
        Assert.Equal(1e-3, Assert.IsType<ScaleByLearningRate<double>>(opt.Transforms[^2]).Schedule.At(0));
    }

    [Fact]
    public void CoupledWeightDecayAddsLambdaTheta()
    {
        // SGD with weight decay: θ ← θ − η (g + λ θ).
        var r = Run(Optimizers.Create<double>(new OptimizerOptions { Kind = "sgd", Lr = 0.1, WeightDecay = 0.2 }), [1.0], [0.5], 2);
        double t1 = 1.0 - (0.1 * (0.5 + (0.2 * 1.0)));
        Close(t1, r[0][0]);
        Close(t1 - (0.1 * (0.5 + (0.2 * t1))), r[1][0]);
    }

    [Fact]
    public void RmsPropWithConstantGradient()
    {
        // v_t = (1 − α^t) g², θ_t = θ_{t−1} − η g / (sqrt(v_t) + ε).
        double lr = 0.01, alpha = 0.9, eps = 1e-4, g = 0.7;
        var r = Run(Optimizers.Create<double>(new OptimizerOptions { Kind = "rmsprop", Lr = lr, Alpha = alpha, Eps = eps }), [0.0], [g], 5);
        double theta = 0;
        for (int t = 1; t <= 5; t++)
        {
            theta -= lr * g / (Math.Sqrt((1 - Math.Pow(alpha, t)) * g * g) + eps);
            Close(theta, r[t - 1][0], 1e-13);
        }
    }

    [Fact]
    public void RmsPropMomentumAccumulatesNormalisedSteps()
    {
        double lr = 0.01, alpha = 0.5, eps = 0, mu = 0.5, g = -3.0;
        var r = Run(Optimizers.Create<double>(new OptimizerOptions { Kind = "rmsprop", Lr = lr, Alpha = alpha, Eps = eps, Momentum = mu }), [0.0], [g], 4);
        double theta = 0, b = 0;
        for (int t = 1; t <= 4; t++)
        {
            b = (mu * b) + (g / Math.Sqrt((1 - Math.Pow(alpha, t)) * g * g));
            theta -= lr * b;
            Close(theta, r[t - 1][0], 1e-13);
        }
    }

    [Fact]
    public void AdagradWithConstantGradient()
    {
        // s_t = t g², θ_t = θ_{t−1} − η g / (sqrt(t)|g| + ε).
        double lr = 0.1, g = 0.25;
        var r = Run(Optimizers.Create<double>(new OptimizerOptions { Kind = "adagrad", Lr = lr }), [1.0], [g], 5);
        double theta = 1;
        for (int t = 1; t <= 5; t++)
        {
            theta -= lr * g / ((Math.Sqrt(t) * g) + 1e-10);
            Close(theta, r[t - 1][0], 1e-13);
        }
    }

    [Fact]
    public void AdagradLearningRateDecay()
    {
        // clr_t = η / (1 + (t − 1) d).
        double lr = 0.1, d = 0.5, g = 1.0;
        var r = Run(Optimizers.Create<double>(new OptimizerOptions { Kind = "adagrad", Lr = lr, LrDecay = d, Eps = 0 }), [0.0], [g], 3);
        double theta = 0;
        for (int t = 1; t <= 3; t++)
        {
            theta -= lr / (1 + ((t - 1) * d)) / Math.Sqrt(t);
            Close(theta, r[t - 1][0], 1e-13);
        }
    }

    [Fact]
    public void ClipByGlobalNormScalesAllTensorsTogether()
    {
        // Global norm of (3, 4 | 12) is 13; clipping to 6.5 halves everything (up to PyTorch's 1e-6 in the denominator).
        var clip = new ClipByGlobalNorm<double>(6.5);
        var p = Params([0, 0], [0]);
        var (u, _) = clip.Update(Grads([3, 4], [12]), clip.Init(p), p);
        double c = 6.5 / (13 + 1e-6);
        Assert.Equal([3 * c, 4 * c], u[0].ToArray());
        Assert.Equal([12 * c], u[1].ToArray());
        // Below the threshold nothing changes.
        var (v, _) = new ClipByGlobalNorm<double>(20).Update(Grads([3, 4], [12]), clip.Init(p), p);
        Assert.Equal([3.0, 4.0], v[0].ToArray());
    }

    [Fact]
    public void ClipByValueClampsEachComponentAndKeepsNaN()
    {
        var clip = new ClipByValue<double>(1.0);
        var p = Params([0, 0, 0, 0]);
        var (u, _) = clip.Update(Grads([-3, 0.5, 2, double.NaN]), clip.Init(p), p);
        var a = u[0].ToArray();
        Assert.Equal([-1.0, 0.5, 1.0], a[..3]);
        Assert.True(double.IsNaN(a[3]));
    }

    [Fact]
    public void FusedAndUnfusedChainsAgreeToRounding()
    {
        // The fusion of scale_by_adam/rms/adagrad with the learning rate is an evaluation-order choice only.
        var rng = new System.Random(3);
        double[] Vec(int n) => Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var theta = Params(Vec(7), Vec(3));
        foreach (var core in new GradientTransformation<double>[] { new ScaleByAdam<double>(), new ScaleByRms<double>(momentum: 0.3), new ScaleByAdagrad<double>() })
        {
            var fused = new Chain<double>(core, new ScaleByLearningRate<double>(0.01));
            var unfused = new Chain<double>(new Chain<double>(core), new ScaleByLearningRate<double>(0.01));
            var (pf, sf) = (theta, fused.Init(theta));
            var (pu, su) = (theta, unfused.Init(theta));
            for (int k = 0; k < 20; k++)
            {
                var g = Grads(Vec(7), Vec(3));
                (pf, sf) = Optimizer.Step(fused, g, sf, pf);
                (pu, su) = Optimizer.Step(unfused, g, su, pu);
            }
            for (int i = 0; i < 2; i++)
            {
                var a = pf[i].ToArray();
                var b = pu[i].ToArray();
                for (int j = 0; j < a.Length; j++)
                {
                    Assert.True(Math.Abs(a[j] - b[j]) < 1e-14, $"{core.Name}: fused {a[j]:R} vs unfused {b[j]:R}");
                }
            }
        }
    }

    [Fact]
    public void UpdatesNeverMutateParametersGradientsOrState()
    {
        var opt = Optimizers.Create<double>(new OptimizerOptions { Kind = "adamw", Lr = 0.1, ClipNorm = 0.5 });
        var p = Params([1, 2, 3]);
        var g = Grads([0.3, -0.2, 0.9]);
        var s0 = opt.Init(p);
        var (_, s1) = opt.Update(g, s0, p);
        var snapshot = OptimizerState.Export(s1, p.Names).Tensors.Select(t => t.Value.ToArray()).ToArray();
        opt.Update(g, s1, p);
        Assert.Equal([1.0, 2, 3], p[0].ToArray());
        Assert.Equal([0.3, -0.2, 0.9], g[0].ToArray());
        Assert.Equal(snapshot, OptimizerState.Export(s1, p.Names).Tensors.Select(t => t.Value.ToArray()).ToArray());
        Assert.All(OptimizerState.Export(s0, p.Names).Tensors, t => Assert.All(t.Value.ToArray(), v => Assert.Equal(0.0, v)));
    }

    [Fact]
    public void ExplicitStepDrivesTheSchedule()
    {
        // With step given, the learning rate is the schedule at that step regardless of the internal count.
        var opt = new Chain<double>(new ScaleByLearningRate<double>(new StepDecaySchedule(1.0, 10, 0.5)));
        var p = Params([0.0]);
        var (u, _) = opt.Update(Grads([1.0]), opt.Init(p), p, step: 25);
        Assert.Equal(-0.25, u[0].ToArray()[0]);
    }

    [Fact]
    public void Float32OptimisersRun()
    {
        var p = new ParamSet<float>(["w"], [Tensor.FromArray(new[] { 1f, -1f }, 2)]);
        var opt = Optimizers.Create<float>(new OptimizerOptions { Kind = "adam", Lr = 0.1 });
        var s = opt.Init(p);
        for (int k = 0; k < 3; k++)
        {
            (p, s) = Optimizer.Step(opt, [Tensor.FromArray(new[] { 2f, -2f }, 2)], s, p);
        }
        // Constant gradient: each Adam step is ≈ −η sign(g).
        Assert.Equal(1f - 0.3f, p[0].ToArray()[0], 5);
        Assert.Equal(-1f + 0.3f, p[0].ToArray()[1], 5);
    }

    [Theory]
    [InlineData("sgd", "chain(scale_by_learning_rate)")]
    [InlineData("gd", "chain(scale_by_learning_rate)")]
    [InlineData("momentum", "chain(trace, scale_by_learning_rate)")]
    [InlineData("nesterov", "chain(trace_nesterov, scale_by_learning_rate)")]
    [InlineData("adam", "chain(scale_by_adam, scale_by_learning_rate)")]
    [InlineData("adamw", "chain(scale_by_adam, scale_by_learning_rate, decoupled_weight_decay)")]
    [InlineData("rmsprop", "chain(scale_by_rms, scale_by_learning_rate)")]
    [InlineData("adagrad", "chain(scale_by_adagrad, scale_by_learning_rate)")]
    public void FactoryBuildsTheNamedChains(string kind, string name) =>
        Assert.Equal(name, Optimizers.Create<double>(new OptimizerOptions { Kind = kind, Lr = 0.1 }).Name);

    [Fact]
    public void FactoryPutsClippingAndDecayFirst() =>
        Assert.Equal("chain(clip_by_value, clip_by_global_norm, add_decayed_weights, scale_by_adam, scale_by_learning_rate)",
            Optimizers.Create<double>(new OptimizerOptions { Kind = "adam", ClipValue = 1, ClipNorm = 1, WeightDecay = 0.1 }).Name);

    [Fact]
    public void FactoryDefaultsAreTorchs()
    {
        var adam = (ScaleByAdam<double>)((Chain<double>)Optimizers.Create<double>(new OptimizerOptions { Kind = "adam" })).Transforms[0];
        Assert.Equal((0.9, 0.999, 1e-8), (adam.Beta1, adam.Beta2, adam.Eps));
        var rms = (ScaleByRms<double>)((Chain<double>)Optimizers.Create<double>(new OptimizerOptions { Kind = "rmsprop" })).Transforms[0];
        Assert.Equal((0.99, 1e-8, 0.0), (rms.Alpha, rms.Eps, rms.Momentum));
        var ada = (ScaleByAdagrad<double>)((Chain<double>)Optimizers.Create<double>(new OptimizerOptions { Kind = "adagrad" })).Transforms[0];
        Assert.Equal((1e-10, 0.0), (ada.Eps, ada.LrDecay));
        Assert.Equal(1e-2, Optimizers.LearningRate(new OptimizerOptions { Kind = "rmsprop" }).At(0));
    }

    [Theory]
    [InlineData("lbfgs", "optimizer.kind")]
    [InlineData("flow", "optimizer.kind")]
    public void FactoryRejectsUnknownKinds(string kind, string field)
    {
        var e = Assert.Throws<ArgumentException>(() => Optimizers.Create<double>(new OptimizerOptions { Kind = kind, Lr = 0.1 }));
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void FactoryNamesInvalidFields()
    {
        Assert.Contains("optimizer.lr: must be > 0, got -1", Assert.Throws<ArgumentException>(() => Optimizers.Create<double>(new OptimizerOptions { Kind = "gd", Lr = -1 })).Message);
        Assert.Contains("optimizer.lr: required", Assert.Throws<ArgumentException>(() => Optimizers.Create<double>(new OptimizerOptions { Kind = "momentum" })).Message);
        Assert.Contains("optimizer.momentum", Assert.Throws<ArgumentException>(() => Optimizers.Create<double>(new OptimizerOptions { Kind = "adam", Momentum = 0.9 })).Message);
        Assert.Contains("optimizer.beta2", Assert.Throws<ArgumentException>(() => Optimizers.Create<double>(new OptimizerOptions { Kind = "adam", Beta2 = 1 })).Message);
    }
}
