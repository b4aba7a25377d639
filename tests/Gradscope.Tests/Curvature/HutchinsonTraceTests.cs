using Gradscope.Curvature;
using Gradscope.Random;
using Xunit.Abstractions;

namespace Gradscope.Tests.Curvature;

public class HutchinsonTraceTests(ITestOutputHelper output)
{
    [Fact]
    public void EstimateIsWithinThreeStandardErrorsAndTheErrorBarIsRight()
    {
        var (_, h, _, _) = CurvatureFixture.Medium.Value;
        int n = (int)Math.Sqrt(h.Length);
        var op = new MatrixOperator(h, n);
        double exact = 0, offDiagonal = 0;
        for (int i = 0; i < n; i++)
        {
            exact += h[i * n + i];
            for (int j = 0; j < n; j++)
            {
                offDiagonal += i == j ? 0 : h[i * n + j] * h[i * n + j];
            }
        }
        var e = HutchinsonTrace.Estimate(op, 2000, RngKey.FromSeed(1));
        // Var(zᵀHz) = 2 Σ_{i≠j} H_ij² for Rademacher z.
        double theoryStdErr = Math.Sqrt(2 * offDiagonal / 2000);
        output.WriteLine($"tr(H) = {exact:R}; estimate {e.Trace:R} ± {e.StdErr:E3} (theory ± {theoryStdErr:E3}), z = {(e.Trace - exact) / e.StdErr:F2}");
        Assert.Equal(2000, e.Probes);
        Assert.True(Math.Abs(e.Trace - exact) <= 3 * e.StdErr);
        Assert.InRange(e.StdErr / theoryStdErr, 0.85, 1.15);

        // 10x the probes: the standard error shrinks by about √10.
        var few = HutchinsonTrace.Estimate(op, 200, RngKey.FromSeed(2));
        double ratio = few.StdErr / e.StdErr;
        output.WriteLine($"stderr(200) / stderr(2000) = {ratio:F3} (√10 = 3.162)");
        Assert.InRange(ratio, 2.5, 4.0);

        var exactEstimate = HutchinsonTrace.Exact(op);
        Assert.Equal(exact, exactEstimate.Trace, 1e-12 * Math.Abs(exact));
        Assert.Equal(0, exactEstimate.StdErr);
    }

    [Fact]
    public void EstimateOnTheMatrixFreeHessianAgreesWithTheDenseTrace()
    {
        var (problem, h, _, _) = CurvatureFixture.Medium.Value;
        int n = problem.Model.ParameterCount;
        double exact = Enumerable.Range(0, n).Sum(i => h[i * n + i]);
        var op = problem.Operator(chunkSize: 16);
        var e = HutchinsonTrace.Estimate(op, 300, RngKey.FromSeed(3));
        Assert.Equal(300, op.Applications);
        Assert.True(Math.Abs(e.Trace - exact) <= 3 * e.StdErr, $"{e.Trace} ± {e.StdErr} vs {exact}");
        // The same key gives the same probes on the dense matrix: identical up to rounding.
        var dense = HutchinsonTrace.Estimate(new MatrixOperator(h, n), 300, RngKey.FromSeed(3));
        Assert.Equal(dense.Trace, e.Trace, 1e-10 * Math.Abs(exact));
        Assert.True(double.IsNaN(HutchinsonTrace.Estimate(op, 1, RngKey.FromSeed(3)).StdErr));
    }
}
