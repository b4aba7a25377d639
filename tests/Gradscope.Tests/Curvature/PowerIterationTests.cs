using Gradscope.Curvature;
using Xunit.Abstractions;

namespace Gradscope.Tests.Curvature;

public class PowerIterationTests(ITestOutputHelper output)
{
    [Fact]
    public void ConvergesToTheTopEigenvalueOfAPsdOperatorAtTheTheoreticalRate()
    {
        // λ2/λ1 = 0.8: the Rayleigh quotient error shrinks like 0.64^k.
        double[] spectrum = [10, 8, 5, 3, .. Enumerable.Range(0, 46).Select(i => 2.0 * i / 46)];
        var op = new MatrixOperator(CurvatureFixture.WithSpectrum(spectrum, 7), spectrum.Length);
        var r = PowerIteration.Top(op, tolerance: 1e-10, maxIterations: 500, seed: 1);
        output.WriteLine($"power iteration, tol 1e-10: {r.Applications} applications, λ = {r.Values[0]:R}, residual {r.Residuals[0]:E2}");
        Assert.True(r.Converged);
        Assert.Equal(op.Applications, r.Applications);
        Assert.True(Math.Abs(r.Values[0] - 10) <= 1e-8 * 10, $"λ = {r.Values[0]}");
        // 0.64^k ≤ 1e-10 needs k ≈ 52; the start's components add a constant.
        Assert.InRange(r.Applications, 40, 80);
        var residual = CurvatureFixture.Apply(op, r.Vectors[0]).Select((x, i) => x - r.Values[0] * r.Vectors[0][i]).ToArray();
        Assert.Equal(Math.Sqrt(residual.Sum(x => x * x)), r.Residuals[0], 1e-12);

        // Lanczos reaches a tighter answer with far fewer products.
        var l = Lanczos.Top(op, 1, new LanczosOptions { Tolerance = 1e-8, Seed = 1 });
        output.WriteLine($"lanczos, tol 1e-8: {l.Applications} applications");
        Assert.True(l.Applications < r.Applications / 2);

        // PyHessian's default tolerance stops much earlier. From this start (small component along the
        // top eigenvector) the Rayleigh quotient lingers near λ2 = 8 and the relative-change rule
        // stops on that plateau; the true residual exposes it, and (Krylov–Weinstein) it always
        // bounds the distance from the returned value to the spectrum.
        var loose = PowerIteration.Top(op, seed: 1);
        output.WriteLine($"power iteration, tol 1e-3: {loose.Applications} applications, λ = {loose.Values[0]:R}, residual {loose.Residuals[0]:E2}");
        Assert.True(loose.Converged && loose.Applications < r.Applications);
        Assert.True(spectrum.Min(x => Math.Abs(x - loose.Values[0])) <= loose.Residuals[0]);
        Assert.True(loose.Residuals[0] > 1e3 * r.Residuals[0]);
    }

    [Fact]
    public void FindsTheLargestMagnitudeEvenWhenNegative()
    {
        double[] spectrum = [-12, 6, 4, 2, 1, 0.5, -1, -3];
        var op = new MatrixOperator(CurvatureFixture.WithSpectrum(spectrum, 8), spectrum.Length);
        var r = PowerIteration.Top(op, tolerance: 1e-12, maxIterations: 200, seed: 2);
        Assert.True(r.Converged);
        Assert.Equal(-12.0, r.Values[0], 1e-9);
        var capped = PowerIteration.Top(op, tolerance: 1e-15, maxIterations: 3, seed: 2);
        Assert.False(capped.Converged);
        Assert.Equal(3, capped.Applications);
    }
}
