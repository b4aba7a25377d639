using Gradscope.Nn;
using Gradscope.Optim.Flow;
using Gradscope.Tensors;
using Xunit.Abstractions;

namespace Gradscope.Tests.Optim.Flow;

/// <summary>Integrators against closed-form solutions.</summary>
public class FlowIntegratorTests(ITestOutputHelper output)
{
    /// <summary>y' = −λ_i y_i, solution y_i(0) e^{−λ_i t}.</summary>
    private sealed class Decay(double[] lambda) : IVectorField<double>
    {
        public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            for (int i = 0; i < y.Length; i++)
            {
                dydt[i] = -lambda[i] * y[i];
            }
        }
    }

    /// <summary>q' = p, p' = −q (unit frequency).</summary>
    private sealed class Oscillator : IVectorField<double>
    {
        public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            dydt[0] = y[1];
            dydt[1] = -y[0];
        }
    }

    /// <summary>y' = −λ (y − cos t): a fast transient onto a slow solution (mildly stiff for explicit methods).</summary>
    private sealed class Relaxation(double lambda) : IVectorField<double>
    {
        public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = -lambda * (y[0] - Math.Cos(t));

        public double Exact(double t, double y0)
        {
            double l2 = lambda * lambda;
            return (l2 / (l2 + 1) * Math.Cos(t)) + (lambda / (l2 + 1) * Math.Sin(t)) + ((y0 - (l2 / (l2 + 1))) * Math.Exp(-lambda * t));
        }
    }

    /// <summary>Lotka–Volterra: a nonlinear system for the resume tests.</summary>
    private sealed class PredatorPrey : IVectorField<double>
    {
        public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            dydt[0] = (1.5 * y[0]) - (y[0] * y[1]);
            dydt[1] = (-3 * y[1]) + (y[0] * y[1]);
        }
    }

    private static List<(double T, double[] Y)> Collect<T>(FlowStepper<T> s, IVectorField<T> f, T[] y0, double t0, double t1, double[] outputs)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var r = new List<(double, double[])>();
        FlowIntegrator.Integrate(s, f, y0, t0, t1, outputs, (t, y) => r.Add((t, y.ToArray().Select(double.CreateTruncating).ToArray())));
        return r;
    }

    [Fact]
    public void Dopri5MeetsTightToleranceOnExponentialDecayAtExactOutputTimes()
    {
        double[] lambda = [0.5, 1, 2, 5];
        var times = FlowIntegrator.Every(0, 3, 0.1);
        var stepper = new Dopri5<double>(new Dopri5Options { Rtol = 1e-10, Atol = 1e-20 });
        var outs = Collect(stepper, new Decay(lambda), [1, -2, 3, 0.5], 0, 3, times);
        Assert.Equal(times, outs.Select(o => o.T));   // bitwise the requested times
        double worst = 0;
        foreach (var (t, y) in outs)
        {
            double[] exact = [Math.Exp(-0.5 * t), -2 * Math.Exp(-t), 3 * Math.Exp(-2 * t), 0.5 * Math.Exp(-5 * t)];
            for (int i = 0; i < 4; i++)
            {
                worst = Math.Max(worst, Math.Abs(y[i] - exact[i]) / Math.Abs(exact[i]));
            }
        }
        output.WriteLine($"dopri5 rtol 1e-10: max relative error {worst:E2} over {outs.Count} outputs, {stepper.State.Accepted} steps");
        Assert.True(worst < 1e-9, $"max relative error {worst:E2}");
    }

    [Fact]
    public void Dopri5DenseOutputIsAccurateBetweenSteps()
    {
        // A loose tolerance takes far fewer steps than there are outputs: the outputs are interpolants, and
        // still carry the integration's accuracy (the continuous extension is of order 4).
        var times = FlowIntegrator.Every(0, 4, 0.05);
        var stepper = new Dopri5<double>(new Dopri5Options { Rtol = 1e-6, Atol = 1e-12 });
        var outs = Collect(stepper, new Decay([1.0]), [1.0], 0, 4, times);
        var st = stepper.State;
        Assert.True(st.Accepted < times.Length / 3, $"{st.Accepted} steps for {times.Length} outputs");
        Assert.Equal(1 + (6 * (st.Accepted + st.Rejected)) + 1, st.Evaluations);  // F(t0) + initial-step probe + 6 per attempt (FSAL)
        foreach (var (t, y) in outs)
        {
            Assert.True(Math.Abs(y[0] - Math.Exp(-t)) < 1e-5 * Math.Exp(-t), $"t={t}: {y[0]} vs {Math.Exp(-t)}");
        }
    }

    [Fact]
    public void HarmonicOscillatorConservesEnergy()
    {
        var times = FlowIntegrator.Every(0, 20, 0.5);
        var outs = Collect(new Dopri5<double>(new Dopri5Options { Rtol = 1e-10, Atol = 1e-12 }), new Oscillator(), [1.0, 0.0], 0, 20, times);
        foreach (var (t, y) in outs)
        {
            double energy = 0.5 * ((y[0] * y[0]) + (y[1] * y[1]));
            Assert.True(Math.Abs(energy - 0.5) < 1e-8, $"t={t}: energy {energy:R}");
            Assert.True(Math.Abs(y[0] - Math.Cos(t)) < 1e-8 && Math.Abs(y[1] + Math.Sin(t)) < 1e-8, $"t={t}");
        }
    }

    [Fact]
    public void Rk4ConvergesWithOrderFour()
    {
        double Error(double h)
        {
            var outs = Collect(new Rk4<double>(h), new Oscillator(), [1.0, 0.0], 0, 2, [2.0]);
            var y = outs[0].Y;
            return Math.Sqrt(Math.Pow(y[0] - Math.Cos(2), 2) + Math.Pow(y[1] + Math.Sin(2), 2));
        }
        double order = Math.Log2(Error(0.1) / Error(0.05));
        output.WriteLine($"rk4 errors {Error(0.1):E3} (h = 0.1), {Error(0.05):E3} (h = 0.05): observed order {order:F3}");
        Assert.InRange(order, 3.9, 4.1);
    }

    [Fact]
    public void Rk4HermiteOutputIsThirdOrderAccurateBetweenSteps()
    {
        // h = 0.2 with outputs at odd multiples of 0.1 (mid-step): the cubic Hermite error is O(h^4).
        var times = Enumerable.Range(0, 10).Select(k => 0.1 + (0.2 * k)).ToArray();
        var stepper = new Rk4<double>(0.2);
        var outs = Collect(stepper, new Oscillator(), [1.0, 0.0], 0, 2, times);
        Assert.Equal(10, stepper.State.Accepted);
        Assert.Equal(times, outs.Select(o => o.T));
        Assert.All(outs, o => Assert.True(Math.Abs(o.Y[0] - Math.Cos(o.T)) < 1e-4, $"t={o.T}: {o.Y[0]} vs {Math.Cos(o.T)}"));
    }

    [Fact]
    public void Dopri5RejectsStepsOnAStiffStartAndStillMeetsTolerance()
    {
        var f = new Relaxation(200);
        double rtol = 1e-7;
        var stepper = new Dopri5<double>(new Dopri5Options { Rtol = rtol, Atol = 1e-10, InitialStep = 0.5 });
        var times = FlowIntegrator.Every(0, 2, 0.25);
        var outs = Collect(stepper, f, [0.0], 0, 2, times);
        output.WriteLine($"stiff start: {stepper.State.Accepted} accepted, {stepper.State.Rejected} rejected, {stepper.State.Evaluations} evaluations");
        Assert.True(stepper.State.Rejected > 0, "expected rejected steps");
        foreach (var (t, y) in outs)
        {
            double e = f.Exact(t, 0);
            Assert.True(Math.Abs(y[0] - e) < (100 * rtol * Math.Abs(e)) + 1e-9, $"t={t}: {y[0]:R} vs {e:R}");
        }
    }

    [Theory]
    [InlineData("dopri5")]
    [InlineData("rk4")]
    public void ResumeFromACheckpointIsBitwiseIdentical(string method)
    {
        FlowStepper<double> Make() => method == "rk4" ? new Rk4<double>(0.01) : new Dopri5<double>(new Dopri5Options { Rtol = 1e-9, Atol = 1e-12 });
        var f = new PredatorPrey();
        var times = FlowIntegrator.Every(0, 5, 0.1);
        var full = new List<(double, double[])>();
        var fullState = FlowIntegrator.Integrate(Make(), f, [2.0, 1.0], 0, 5, times, (t, y) => full.Add((t, y.ToArray())));

        // Interrupt after 37 steps, write the state to a safetensors file, continue in a new stepper.
        var part = new List<(double, double[])>();
        var first = Make();
        long steps = 0;
        FlowIntegrator.Integrate(first, f, [2.0, 1.0], 0, 5, times, (t, y) => part.Add((t, y.ToArray())), _ => ++steps < 37);
        var path = Path.Combine(Path.GetTempPath(), $"gs-flow-{Guid.NewGuid():N}.safetensors");
        try
        {
            first.State.WriteTo(new SafeTensorFile()).Save(path);
            var second = Make();
            second.Restore(FlowState<double>.ReadFrom(SafeTensorFile.Load(path)));
            Assert.True(second.CurrentTime > 0 && second.CurrentTime < 5);
            var endState = FlowIntegrator.Continue(second, f, 5, times, (t, y) => part.Add((t, y.ToArray())));
            Assert.Equal(full.Count, part.Count);
            for (int i = 0; i < full.Count; i++)
            {
                Assert.Equal(full[i].Item1, part[i].Item1);
                Assert.Equal(full[i].Item2, part[i].Item2);
            }
            Assert.Equal(fullState.Y, endState.Y);
            Assert.Equal((fullState.Time, fullState.H, fullState.Accepted, fullState.Rejected, fullState.Evaluations),
                (endState.Time, endState.H, endState.Accepted, endState.Rejected, endState.Evaluations));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void GradientFlowOnAQuadraticIsTheMatrixExponential()
    {
        // L(θ) = ½ θᵀHθ with H = Q diag(λ) Qᵀ, Q a Householder reflection: θ(t) = Q diag(e^{−λt}) Qᵀ θ0.
        double[] lambda = [0.3, 1, 2.5, 4];
        double[] v = [1, -2, 0.5, 1.5];
        double vv = v.Sum(a => a * a);
        var q = new double[16];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                q[(i * 4) + j] = (i == j ? 1 : 0) - (2 * v[i] * v[j] / vv);
            }
        }
        var h = new double[16];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                for (int k = 0; k < 4; k++)
                {
                    h[(i * 4) + j] += q[(i * 4) + k] * lambda[k] * q[(j * 4) + k];
                }
            }
        }
        var hT = Tensor.FromArray(h, 4, 4);
        // Two parameter tensors, to exercise Flatten/Unflatten: θ = (a [3, 1]; b [1, 1]).
        var template = new ParamSet<double>(["a", "b"], [Tensor.Zeros<double>(3, 1), Tensor.Zeros<double>(1, 1)]);
        var field = new GradientFlowField<double>(template, ps =>
        {
            var theta = Tensor.Concat([ps[0], ps[1]], 0);
            return Tensor.MulScalar(Tensor.Sum(Tensor.Mul(theta, Tensor.MatMul(hT, theta))), 0.5);
        });
        double[] theta0 = [1, 0.5, -1, 2];
        var times = FlowIntegrator.Every(0, 3, 0.5);
        var outs = Collect(new Dopri5<double>(new Dopri5Options { Rtol = 1e-10, Atol = 1e-14 }), field, theta0, 0, 3, times);
        foreach (var (t, y) in outs)
        {
            // exact: Σ_k e^{−λ_k t} q_k (q_kᵀ θ0)
            var exact = new double[4];
            for (int k = 0; k < 4; k++)
            {
                double c = 0;
                for (int i = 0; i < 4; i++)
                {
                    c += q[(i * 4) + k] * theta0[i];
                }
                for (int i = 0; i < 4; i++)
                {
                    exact[i] += Math.Exp(-lambda[k] * t) * q[(i * 4) + k] * c;
                }
            }
            double err = Math.Sqrt(exact.Zip(y, (a, b) => (a - b) * (a - b)).Sum());
            double norm = Math.Sqrt(exact.Sum(a => a * a));
            Assert.True(err < 1e-9 * norm, $"t={t}: error {err:E2} (|θ| = {norm:E2})");
        }
        Assert.True(field.Evaluations > 0);
        Assert.True(field.LastLoss >= 0);
    }

    [Fact]
    public void Float32IntegratesInFloat32AndRefusesImpossibleTolerances()
    {
        var f = new Float32Decay();
        var outs = new List<(double, float)>();
        FlowIntegrator.Integrate(new Dopri5<float>(new Dopri5Options { Rtol = 1e-5, Atol = 1e-7f }), f, [1f], 0, 2, [1.0, 2.0], (t, y) => outs.Add((t, y[0])));
        Assert.Equal(2, outs.Count);
        Assert.True(Math.Abs(outs[1].Item2 - Math.Exp(-2)) < 1e-4);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dopri5<float>(new Dopri5Options { Rtol = 1e-10 }));
    }

    private sealed class Float32Decay : IVectorField<float>
    {
        public void Evaluate(double t, ReadOnlySpan<float> y, Span<float> dydt) => dydt[0] = -y[0];
    }

    [Fact]
    public void NonFiniteFieldStopsWithAClearError()
    {
        var f = new Explodes();
        var e = Assert.Throws<FlowIntegrationException>(() =>
            FlowIntegrator.Integrate(new Dopri5<double>(), f, [1.0], 0, 10, [], (_, _) => { }));
        Assert.Contains("dopri5", e.Message);
        Assert.True(e.Time is > 0.5 and < 1.5, $"stopped at t = {e.Time}");
    }

    /// <summary>y' = y², y(0) = 1: blows up at t = 1.</summary>
    private sealed class Explodes : IVectorField<double>
    {
        public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = y[0] * y[0];
    }

    [Fact]
    public void EveryProducesExactMultiplesEndingAtTheEnd()
    {
        var t = FlowIntegrator.Every(0, 1, 0.1);
        Assert.Equal(11, t.Length);
        Assert.Equal(Enumerable.Range(0, 11).Select(k => k * 0.1).Take(10), t.Take(10));
        Assert.Equal(1.0, t[^1]);
        Assert.Equal([0, 0.4, 0.8, 1.0], FlowIntegrator.Every(0, 1, 0.4));
    }
}
