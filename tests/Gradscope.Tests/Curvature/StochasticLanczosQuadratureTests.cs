using Gradscope.Curvature;
using Gradscope.Random;
using Xunit.Abstractions;

namespace Gradscope.Tests.Curvature;

public class StochasticLanczosQuadratureTests(ITestOutputHelper output)
{
    private static double Trapezoid(double[] grid, double[] f)
    {
        double s = 0;
        for (int i = 1; i < grid.Length; i++)
        {
            s += 0.5 * (f[i] + f[i - 1]) * (grid[i] - grid[i - 1]);
        }
        return s;
    }

    [Fact]
    public void DensityIntegratesToOneAndWeightsSumToOne()
    {
        var (problem, _, values, _) = CurvatureFixture.Medium.Value;
        var op = problem.Operator(chunkSize: 20);
        var d = StochasticLanczosQuadrature.Estimate(op, 4, 30, RngKey.FromSeed(1));
        Assert.Equal(4 * 30, op.Applications);
        Assert.Equal(4, d.Probes);
        foreach (var w in d.Weights)
        {
            Assert.Equal(1.0, w.Sum(), 1e-12);
            Assert.All(w, x => Assert.True(x >= 0));
        }
        // Extreme Ritz values lie inside the spectrum (interlacing) and approach its ends.
        double lo = d.Nodes.Min(x => x[0]), hi = d.Nodes.Max(x => x[^1]);
        Assert.InRange(hi, values[^1], values[0] * (1 + 1e-12));
        Assert.True(hi > 0.999 * values[0]);
        Assert.True(lo >= values[^1] - 1e-12 * values[0]);
        var grid = d.DefaultGrid(2000);
        double sigma = 0.01 * (hi - lo);
        double mass = Trapezoid(grid, d.Evaluate(grid, sigma));
        output.WriteLine($"∫ density = {mass:R} on [{grid[0]:F4}, {grid[^1]:F4}], σ = {sigma:E3}");
        Assert.Equal(1.0, mass, 1e-3);
    }

    [Fact]
    public void QuadratureIsExactPerProbeAndMomentsEstimateTracesOfPowers()
    {
        var (_, h, _, _) = CurvatureFixture.Medium.Value;
        int n = (int)Math.Sqrt(h.Length);
        var op = new MatrixOperator(h, n);
        int steps = 6;
        var key = RngKey.FromSeed(2);
        var d = StochasticLanczosQuadrature.Estimate(op, 200, steps, key);

        // Gauss quadrature with m nodes is exact to degree 2m − 1: Σ τ θ^p = zᵀH^p z / P.
        for (int probe = 0; probe < 3; probe++)
        {
            var z = KrylovVectors.Rademacher(key.Fold((ulong)probe), n);
            var hpz = z;
            for (int p = 1; p <= 2 * steps - 1; p++)
            {
                hpz = CurvatureFixture.MatVec(h, n, hpz);
                if (p is 1 or 2 or 5 or 11)
                {
                    double exact = z.Zip(hpz, (a, b) => a * b).Sum() / n;
                    double got = d.ProbeMoments(p)[probe];
                    Assert.True(Math.Abs(got - exact) <= 1e-9 * Math.Abs(exact), $"probe {probe}, p = {p}: {got} vs {exact}");
                }
            }
        }

        // Over probes: unbiased for tr(H^p)/P, within 3 standard errors.
        double tr1 = 0, tr2 = 0;
        for (int i = 0; i < n; i++)
        {
            tr1 += h[i * n + i];
            for (int j = 0; j < n; j++)
            {
                tr2 += h[i * n + j] * h[j * n + i];
            }
        }
        foreach (var (p, exact) in new[] { (1, tr1 / n), (2, tr2 / n) })
        {
            var m = d.ProbeMoments(p);
            double mean = m.Average();
            double se = Math.Sqrt(m.Sum(x => (x - mean) * (x - mean)) / (m.Length - 1) / m.Length);
            output.WriteLine($"moment {p}: {d.Moment(p):R} ± {se:E3}, exact {exact:R}");
            Assert.Equal(mean, d.Moment(p), 1e-15 * Math.Abs(mean));
            Assert.True(Math.Abs(mean - exact) <= 3 * se, $"moment {p}: {mean} ± {se} vs {exact}");
        }
        Assert.Equal(1.0, d.Moment(0), 1e-12);
    }
}
