using Gradscope.Nn;
using Gradscope.Optim;
using Gradscope.Tensors;
using Gradscope.Theory;

namespace Gradscope.Tests.Theory;

/// <summary>
/// The edge-of-stability thresholds against the repo's real optimisers on the quadratic
/// L(θ) = ½ θᵀHθ, H = diag(λ, 0.3λ, 0.01λ), whose gradient is Hθ (no autodiff needed): just below
/// the threshold (0.98×) the iterate stays bounded, just above (1.02×) it blows up. A wrong formula,
/// or an optimiser whose convention differs from the one the formula assumes (e.g. dampened or
/// EMA momentum instead of PyTorch's v ← μv + g), moves the true threshold by far more than 2 % and
/// one of the two runs fails. A second oracle computes the spectral radius of each method's
/// per-direction companion matrix, which must cross 1 between 0.999 and 1.001 of the threshold.
/// </summary>
public class StabilityThresholdTests
{
    private const int Steps = 2000;

    private static readonly double[] Theta0 = [1.0, -0.7, 0.4];

    private static readonly double[] Shape = [1.0, 0.3, 0.01];

    /// <summary>‖x‖ without overflow of the squares (diverging runs reach 1e200 and more).</summary>
    private static double Norm(ReadOnlySpan<double> x)
    {
        double m = 0;
        foreach (var v in x)
        {
            m = Math.Max(m, Math.Abs(v));
        }
        if (m == 0 || !double.IsFinite(m))
        {
            return m;
        }
        double s = 0;
        foreach (var v in x)
        {
            s += (v / m) * (v / m);
        }
        return m * Math.Sqrt(s);
    }

    /// <summary>Runs the real optimiser on ½θᵀHθ; returns the largest and the final ‖θ‖ relative to ‖θ0‖.</summary>
    private static (double Max, double Final) RunReal(OptimizerOptions o, double lambda)
    {
        var opt = Optimizers.Create<double>(o);
        var p = new ParamSet<double>(["theta"], [Tensor.FromArray((double[])Theta0.Clone(), Theta0.Length)]);
        var s = opt.Init(p);
        double n0 = Norm(Theta0), max = 1;
        for (int t = 0; t < Steps; t++)
        {
            var th = p[0].Span;
            var g = new double[th.Length];
            for (int k = 0; k < g.Length; k++)
            {
                g[k] = lambda * Shape[k] * th[k];
            }
            (p, s) = Optimizer.Step(opt, [Tensor.FromArray(g, g.Length)], s, p);
            double r = Norm(p[0].Span) / n0;
            max = double.IsFinite(r) ? Math.Max(max, r) : double.PositiveInfinity;
        }
        return (max, Norm(p[0].Span) / n0);
    }

    private static void AssertStableBelowAndDivergentAbove(OptimizerOptions o, double threshold)
    {
        var (maxBelow, finalBelow) = RunReal(o, 0.98 * threshold);
        Assert.True(maxBelow < 10, $"{o.Kind}: at 0.98 × threshold ‖θ‖ reached {maxBelow:G4} × its start");
        Assert.True(finalBelow < 1, $"{o.Kind}: at 0.98 × threshold ‖θ‖ ended at {finalBelow:G4} × its start");
        var (_, finalAbove) = RunReal(o, 1.02 * threshold);
        Assert.True(finalAbove > 1e6, $"{o.Kind}: at 1.02 × threshold ‖θ‖ ended at only {finalAbove:G4} × its start");
    }

    [Fact]
    public void GradientDescentIsStableUpToTwoOverLr()
    {
        double lr = 0.05;
        Assert.Equal(40.0, StabilityThresholds.Gd(lr), 12);
        foreach (var kind in new[] { "gd", "sgd" })
        {
            AssertStableBelowAndDivergentAbove(new OptimizerOptions { Kind = kind, Lr = lr }, StabilityThresholds.For(kind, lr)!.Value);
        }
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.5)]
    public void HeavyBallIsStableUpToTwoPlusTwoBetaOverLr(double beta)
    {
        double lr = 0.01;
        double th = StabilityThresholds.HeavyBall(lr, beta);
        Assert.Equal((2 + 2 * beta) / lr, th, 10);
        Assert.Equal(th, StabilityThresholds.For("momentum", lr, beta)!.Value);
        AssertStableBelowAndDivergentAbove(new OptimizerOptions { Kind = "momentum", Lr = lr, Momentum = beta }, th);
    }

    [Fact]
    public void NesterovIsStableUpToItsThreshold()
    {
        double lr = 0.01, beta = 0.9;
        double th = StabilityThresholds.Nesterov(lr, beta);
        Assert.Equal(3.8 / 2.8 / lr, th, 10);
        Assert.Equal(th, StabilityThresholds.For("nesterov", lr, beta)!.Value);
        AssertStableBelowAndDivergentAbove(new OptimizerOptions { Kind = "nesterov", Lr = lr, Momentum = beta }, th);
    }

    /// <summary>
    /// Adam with its second moment frozen, implemented here because the real
    /// <see cref="ScaleByAdam{T}"/> keeps updating v. Derivation (Cohen et al. 2022 §3): with
    /// P = diag(sqrt(v̂) + ε) fixed the update is
    ///   m_t = β1 m_{t−1} + (1 − β1) H θ_t,   θ_{t+1} = θ_t − η P⁻¹ m̂_t,   m̂_t = m_t/(1 − β1^t).
    /// The bias correction tends to 1 (β1^t &lt; 1e-4 after 90 steps at β1 = 0.9) so the long-run map
    /// is linear with m̂ = m. With H and P diagonal every coordinate k decouples with
    /// a = η h_k/p_k, the coordinate's eigenvalue of ηP⁻¹H; writing u_t = η m_t/p_k,
    ///   (θ_{t+1}, u_t) = [[1 − (1−β1)a, −β1], [(1−β1)a, β1]] (θ_t, u_{t−1}),
    /// trace 1 + β1 − (1−β1)a, determinant β1. p(z) = z² − tr z + det has p(1) = (1−β1)a > 0 and
    /// p(−1) = 2 + 2β1 − (1−β1)a, so the root leaves the unit disc through −1 at
    /// a = (2 + 2β1)/(1 − β1): the threshold on λ_max(P⁻¹H) is (2 + 2β1)/((1 − β1)η), 38/η at 0.9.
    /// (This is heavy-ball momentum with step η(1 − β1) on P⁻¹H, which the test below also checks
    /// with the real momentum optimiser.) With the bias correction the first steps are up to
    /// 1/(1 − β1) times longer, a transient that can grow ‖θ‖ by many orders of magnitude even below
    /// the threshold (1e15 at 0.98 × 38/η) before the linear map takes over and it decays; those runs
    /// are therefore measured relative to ‖θ‖ after a burn-in of 200 steps (β1^200 &lt; 1e-9).
    /// </summary>
    private static (double Max, double Final) RunFrozenAdam(double lr, double beta1, double[] p, double[] h, bool biasCorrection, int burnIn = 0)
    {
        var th = (double[])Theta0.Clone();
        var m = new double[th.Length];
        double n0 = Norm(Theta0), max = 1;
        for (int t = 1; t <= Steps; t++)
        {
            double bc = biasCorrection ? 1 - Math.Pow(beta1, t) : 1;
            for (int k = 0; k < th.Length; k++)
            {
                m[k] = (beta1 * m[k]) + ((1 - beta1) * h[k] * th[k]);
                th[k] -= lr * (m[k] / bc) / p[k];
            }
            if (t == burnIn)
            {
                n0 = Norm(th);
            }
            else if (t > burnIn)
            {
                double r = Norm(th) / n0;
                max = double.IsFinite(r) ? Math.Max(max, r) : double.PositiveInfinity;
            }
        }
        return (max, Norm(th) / n0);
    }

    [Theory]
    [InlineData(0.9, true)]
    [InlineData(0.9, false)]
    [InlineData(0.5, true)]
    public void AdamWithFrozenPreconditionerIsStableUpToItsThresholdOnThePreconditionedSharpness(double beta1, bool biasCorrection)
    {
        double lr = 1e-3;
        double th = StabilityThresholds.Adam(lr, beta1);
        if (beta1 == 0.9)
        {
            Assert.Equal(38 / lr, th, 8);
        }
        Assert.Equal(th, StabilityThresholds.For("adam", lr, beta1: beta1)!.Value);
        Assert.Equal(th, StabilityThresholds.For("adamw", lr, beta1: beta1)!.Value);
        // A non-trivial preconditioner: λ_max(H) itself is far from the threshold, only λ_max(P⁻¹H) is near it.
        double[] p = [3.0, 0.5, 0.02];
        foreach (var (scale, stable) in new[] { (0.98, true), (1.02, false) })
        {
            // h_k/p_k = scale·th·Shape[k]: the preconditioned Hessian has the test's spectrum.
            var h = p.Select((pk, k) => scale * th * Shape[k] * pk).ToArray();
            var (max, final) = RunFrozenAdam(lr, beta1, p, h, biasCorrection, burnIn: biasCorrection ? 200 : 0);
            if (stable)
            {
                Assert.True(max < 10 && final < 1, $"β1 = {beta1}: at 0.98 × threshold ‖θ‖ reached {max:G4}, ended {final:G4}");
            }
            else
            {
                Assert.True(final > 1e6, $"β1 = {beta1}: at 1.02 × threshold ‖θ‖ ended at only {final:G4}");
            }
        }
    }

    [Fact]
    public void FrozenAdamIsHeavyBallWithStepEtaTimesOneMinusBeta1OnThePreconditionedHessian()
    {
        // m = (1−β1)·v with v ← β1 v + g, so θ −= η P⁻¹ m is the real momentum optimiser at lr η(1−β1)
        // fed P⁻¹Hθ. Same trajectory, hence the same threshold; checked at the threshold's edges.
        double lr = 1e-3, beta1 = 0.9;
        double th = StabilityThresholds.Adam(lr, beta1);
        Assert.Equal(StabilityThresholds.HeavyBall(lr * (1 - beta1), beta1), th, 6);
        foreach (var scale in new[] { 0.98, 1.02 })
        {
            var frozen = RunFrozenAdam(lr, beta1, [1, 1, 1], Shape.Select(s => scale * th * s).ToArray(), biasCorrection: false);
            var real = RunReal(new OptimizerOptions { Kind = "momentum", Lr = lr * (1 - beta1), Momentum = beta1 }, scale * th);
            Assert.True(Math.Abs(Math.Log(frozen.Final) - Math.Log(real.Final)) < 1e-6 * Math.Max(1, Math.Abs(Math.Log(real.Final))),
                $"scale {scale}: frozen Adam ended at {frozen.Final:R}, momentum at {real.Final:R}");
        }
    }

    /// <summary>Spectral radius of a real 2×2 matrix [[a, b], [c, d]].</summary>
    private static double SpectralRadius(double a, double b, double c, double d)
    {
        double tr = a + d, det = (a * d) - (b * c), disc = (tr * tr) - (4 * det);
        if (disc < 0)
        {
            return Math.Sqrt(det);
        }
        double s = Math.Sqrt(disc);
        return Math.Max(Math.Abs(tr + s), Math.Abs(tr - s)) / 2;
    }

    /// <summary>
    /// The per-direction companion matrices, written from the update rules with a = ηλ:
    /// momentum on (θ_t, ηv_t):  ηv_{t+1} = β ηv_t + aθ_t;  θ_{t+1} = θ_t − ηv_{t+1}
    ///   → [[1 − a, −β], [a, β]];
    /// nesterov on (θ_t, ηv_t):  ηv_{t+1} = β ηv_t + aθ_t;  θ_{t+1} = θ_t − aθ_t − β ηv_{t+1}
    ///   → [[1 − (1+β)a, −β²], [a, β]];
    /// frozen adam on (θ_t, u_{t−1}) with a = ηλ(P⁻¹H): see <see cref="RunFrozenAdam"/>
    ///   → [[1 − (1−β1)a, −β1], [(1−β1)a, β1]].
    /// </summary>
    public static TheoryData<string, double> Methods => new()
    {
        { "gd", 0 }, { "momentum", 0.9 }, { "momentum", 0.5 }, { "nesterov", 0.9 }, { "nesterov", 0.3 }, { "adam", 0.9 }, { "adam", 0.5 },
    };

    private static double CompanionRadius(string kind, double beta, double a) => kind switch
    {
        "gd" => Math.Abs(1 - a),
        "momentum" => SpectralRadius(1 - a, -beta, a, beta),
        "nesterov" => SpectralRadius(1 - ((1 + beta) * a), -beta * beta, a, beta),
        "adam" => SpectralRadius(1 - ((1 - beta) * a), -beta, (1 - beta) * a, beta),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void CompanionMatrixSpectralRadiusCrossesOneExactlyAtTheThreshold(string kind, double beta)
    {
        double lr = 0.02;
        double th = StabilityThresholds.For(kind, lr, momentum: beta, beta1: beta)!.Value;
        double below = CompanionRadius(kind, beta, 0.999 * th * lr);
        double above = CompanionRadius(kind, beta, 1.001 * th * lr);
        Assert.True(below < 1, $"{kind}(β = {beta}): radius {below:R} at 0.999 × threshold");
        Assert.True(above > 1, $"{kind}(β = {beta}): radius {above:R} at 1.001 × threshold");
        // And nowhere below the threshold does the radius reach 1 (the bound is the first crossing).
        for (int i = 1; i < 1000; i++)
        {
            double r = CompanionRadius(kind, beta, i / 1000.0 * 0.999 * th * lr);
            Assert.True(r < 1, $"{kind}(β = {beta}): radius {r:R} at {i / 1000.0 * 0.999:G4} × threshold");
        }
    }

    [Fact]
    public void ForCoversTheOptimizerKindsAndLabelsTheLine()
    {
        double lr = 0.1;
        Assert.Equal(StabilityThresholds.Gd(lr), StabilityThresholds.For("rmsprop", lr));
        Assert.Equal(StabilityThresholds.HeavyBall(lr, 0.5), StabilityThresholds.For("rmsprop", lr, momentum: 0.5));
        Assert.Null(StabilityThresholds.For("flow", lr));
        Assert.Null(StabilityThresholds.For("adagrad", lr));
        Assert.Null(StabilityThresholds.For("momentum", lr, momentum: 1.0));
        foreach (var kind in Optimizers.Kinds.Where(k => k != "adagrad"))
        {
            Assert.NotNull(StabilityThresholds.For(kind, lr, momentum: 0.9));
        }
        Assert.Equal("2/η", StabilityThresholds.Label("gd"));
        Assert.Equal("38/η", StabilityThresholds.Label("adam"));
        Assert.Equal("3.8/η", StabilityThresholds.Label("momentum", momentum: 0.9));
        Assert.Equal("1.357/η", StabilityThresholds.Label("nesterov", momentum: 0.9));
        Assert.Null(StabilityThresholds.Label("adagrad"));
        Assert.True(StabilityThresholds.IsPreconditioned("adam"));
        Assert.False(StabilityThresholds.IsPreconditioned("momentum"));
        Assert.Equal(double.PositiveInfinity, StabilityThresholds.Gd(0));   // a schedule at lr 0: nothing is unstable
        Assert.Equal(double.PositiveInfinity, StabilityThresholds.Adam(0, 0.9));
        Assert.Throws<ArgumentOutOfRangeException>(() => StabilityThresholds.Gd(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StabilityThresholds.Gd(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => StabilityThresholds.Adam(0.1, 1.0));
    }
}
