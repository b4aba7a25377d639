using Gradscope.Curvature;
using Gradscope.Linalg;
using Gradscope.Random;
using Xunit.Abstractions;

namespace Gradscope.Tests.Curvature;

public class LanczosTests(ITestOutputHelper output)
{
    [Fact]
    public void TopFiveMatchDenseEigenvaluesOfAnMlpHessian()
    {
        var (problem, _, values, _) = CurvatureFixture.Medium.Value;
        var op = problem.Operator(chunkSize: 16);
        var r = Lanczos.Top(op, 5, new LanczosOptions { Tolerance = 1e-8, Seed = 1 });
        output.WriteLine($"P = {op.Dimension}, top-5 at tol 1e-8: {r.Applications} applications ({r.Iterations} Krylov + 5 residual checks)");
        Assert.True(r.Converged);
        Assert.Equal(r.Applications, op.Applications);
        Assert.Equal(r.Iterations + 5, r.Applications);
        for (int i = 0; i < 5; i++)
        {
            output.WriteLine($"λ{i + 1} = {r.Values[i]:R} (dense {values[i]:R}), residual {r.Residuals[i]:E2}");
            Assert.True(Math.Abs(r.Values[i] - values[i]) <= 1e-8 * Math.Abs(values[i]), $"λ{i + 1}: {r.Values[i]} vs {values[i]}");
            Assert.True(r.Residuals[i] <= 1e-7 * Math.Abs(values[i]), $"residual {r.Residuals[i]:E2}");
            Assert.Equal(1.0, Math.Sqrt(r.Vectors[i].Sum(x => x * x)), 12);
        }
    }

    [Fact]
    public void BottomThreeMatchTheMostNegativeDenseEigenvalues()
    {
        var (problem, _, values, _) = CurvatureFixture.Medium.Value;
        int n = values.Length;
        Assert.True(values[n - 1] < 0, "the test point must have negative curvature");
        var op = problem.Operator();
        var r = Lanczos.Bottom(op, 3, new LanczosOptions { Tolerance = 1e-8, MaxIterations = 400, Seed = 2 });
        output.WriteLine($"bottom-3 at tol 1e-8: {r.Applications} applications, λ_min = {r.Values[0]:R}, λ_max = {values[0]:R}");
        Assert.True(r.Converged);
        for (int i = 0; i < 3; i++)
        {
            double exact = values[n - 1 - i];
            Assert.True(Math.Abs(r.Values[i] - exact) <= 1e-8 * Math.Abs(exact), $"λ_min,{i + 1}: {r.Values[i]} vs {exact}");
            Assert.True(r.Residuals[i] <= 1e-7 * Math.Abs(values[0]));
        }
        Assert.True(r.Values[0] <= r.Values[1] && r.Values[1] <= r.Values[2]);
    }

    [Fact]
    public void WarmStartFromThePreviousTopVectorNeedsFewerApplications()
    {
        var (problem, _, _, _) = CurvatureFixture.Medium.Value;
        var opts = new LanczosOptions { Tolerance = 1e-6, Seed = 4 };
        var first = Lanczos.Top(problem.Operator(), 1, opts);
        // A nearby point, as after a few small training steps.
        var step = CurvatureFixture.RandomParams(problem.Model, RngKey.FromSeed(99), 1e-3);
        var next = problem with { Params = problem.Params.With(problem.Params.Tensors.Zip(step.Tensors, Gradscope.Tensors.Tensor.Add).ToArray()) };
        var cold = Lanczos.Top(next.Operator(), 1, opts);
        var warm = Lanczos.Top(next.Operator(), 1, opts with { Start = first.Vectors[0] });
        output.WriteLine($"top-1 at tol 1e-6: cold {cold.Applications} applications, warm {warm.Applications}");
        Assert.True(cold.Converged && warm.Converged);
        Assert.Equal(cold.Values[0], warm.Values[0], 1e-6 * Math.Abs(cold.Values[0]));
        Assert.True(warm.Applications < cold.Applications, $"warm {warm.Applications} vs cold {cold.Applications}");
    }

    [Fact]
    public void RepeatedTopEigenvalueIsFoundTwiceThroughBreakdownRestart()
    {
        // Few distinct eigenvalues: the Krylov space of one start vector is 4-dimensional and
        // contains one copy of 5; the second copy is only reachable by restarting after breakdown.
        double[] spectrum = [5, 5, 3, 3, 3, 1, 1, 1, 1, -2, -2, -2];
        var op = new MatrixOperator(CurvatureFixture.WithSpectrum(spectrum, 3), spectrum.Length);
        var r = Lanczos.Top(op, 2, new LanczosOptions { Tolerance = 1e-10, Seed = 5 });
        Assert.True(r.Converged);
        Assert.Equal(5.0, r.Values[0], 1e-10);
        Assert.Equal(5.0, r.Values[1], 1e-10);
        Assert.True(r.Residuals.All(x => x < 1e-10));
        // The two vectors span two orthogonal directions of the eigenspace.
        Assert.True(Math.Abs(Blas1.Dot(r.Vectors[0], r.Vectors[1])) < 1e-10);
        var b = Lanczos.Bottom(op, 3, new LanczosOptions { Tolerance = 1e-10, Seed = 6 });
        Assert.Equal(-2.0, b.Values[0], 1e-10);
    }

    [Fact]
    public void LargeNullSpaceSettlesWithoutExhaustingTheBudget()
    {
        // Rank 3 (as with dead units or unused inputs): the first Krylov space is {3, 2, 1, 0}.
        double[] spectrum = [3, 2, 1, .. new double[37]];
        var op = new MatrixOperator(CurvatureFixture.WithSpectrum(spectrum, 9), spectrum.Length);
        var bottom = Lanczos.Bottom(op, 2, new LanczosOptions { Tolerance = 1e-8, Seed = 7 });
        output.WriteLine($"bottom-2 of a rank-3 operator: {bottom.Iterations} Krylov steps, values {bottom.Values[0]:E2}, {bottom.Values[1]:E2}");
        Assert.True(bottom.Converged);
        Assert.All(bottom.Values, v => Assert.True(Math.Abs(v) < 1e-12));
        Assert.True(bottom.Iterations <= 6, $"{bottom.Iterations} steps");
        var top = Lanczos.Top(op, 2, new LanczosOptions { Tolerance = 1e-8, Seed = 8 });
        Assert.True(top.Converged);
        Assert.Equal([3.0, 2.0], top.Values.Select(v => Math.Round(v, 10)));
        Assert.True(top.Iterations <= 6, $"{top.Iterations} steps");
    }

    [Fact]
    public void WarmStartOnAWrongEigenvectorStillFindsTheTop()
    {
        double[] spectrum = [.. Enumerable.Range(0, 25).Select(i => 10.0 - i * 0.4)];
        var a = CurvatureFixture.WithSpectrum(spectrum, 10);
        var op = new MatrixOperator(a, 25);
        // An exact eigenvector of the third eigenvalue: its Krylov space closes after one step.
        var third = Lanczos.Top(op, 3, new LanczosOptions { Tolerance = 1e-12 }).Vectors[2];
        var r = Lanczos.Top(op, 1, new LanczosOptions { Tolerance = 1e-10, Start = third });
        Assert.True(r.Converged);
        Assert.Equal(10.0, r.Values[0], 1e-9);
    }

    [Fact]
    public void FullKrylovSpaceIsExactAndArgumentsAreChecked()
    {
        double[] spectrum = [.. Enumerable.Range(0, 30).Select(i => Math.Pow(1.1, i) - 3)];
        var op = new MatrixOperator(CurvatureFixture.WithSpectrum(spectrum, 4), 30);
        // A tolerance no Ritz pair reaches before the basis spans R^30.
        var r = Lanczos.Top(op, 30, new LanczosOptions { Tolerance = 1e-300 });
        Assert.True(r.Converged);
        Assert.Equal(30, r.Iterations);
        var sorted = spectrum.OrderDescending().ToArray();
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(sorted[i], r.Values[i], 1e-10);
        }
        var capped = Lanczos.Top(op, 1, new LanczosOptions { Tolerance = 1e-14, MaxIterations = 3 });
        Assert.False(capped.Converged);
        Assert.Equal(3, capped.Iterations);
        Assert.Throws<ArgumentException>(() => Lanczos.Top(op, 31));
        Assert.Throws<ArgumentException>(() => Lanczos.Bottom(op, 0));
        Assert.Throws<ArgumentException>(() => Lanczos.Top(op, 1, new LanczosOptions { Start = new double[5] }));
    }

    [Fact]
    public void TridiagonalOfTheFullSpaceHasTheOperatorsEigenvalues()
    {
        double[] spectrum = [.. Enumerable.Range(0, 20).Select(i => i * 0.5 - 4)];
        var op = new MatrixOperator(CurvatureFixture.WithSpectrum(spectrum, 5), 20);
        var (alpha, beta) = Lanczos.Tridiagonal(op, CurvatureFixture.RandomVector(20, 1), 20);
        Assert.Equal(20, alpha.Length);
        Assert.Equal(19, beta.Length);
        var (values, _) = TridiagonalQl.Eigen(alpha, beta, []);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(spectrum[i], values[i], 1e-10);
        }
        // Breakdown: a start in a 2-dimensional invariant subspace stops after 2 steps.
        var e = new double[20];
        e[0] = 1;
        var diag = new MatrixOperator(Enumerable.Range(0, 400).Select(k => k / 20 == k % 20 ? (k % 20 < 2 ? 1.0 + k % 20 : 7.0) : 0.0).ToArray(), 20);
        e[1] = 1;
        var (a2, b2) = Lanczos.Tridiagonal(diag, e, 10);
        Assert.Equal(2, a2.Length);
        Assert.Single(b2);
    }

    [Fact]
    public void TridiagonalQlMatchesTheDenseEigensolver()
    {
        int n = 40;
        var d = CurvatureFixture.RandomVector(n, 21);
        var e = CurvatureFixture.RandomVector(n - 1, 22);
        e[17] = 0;   // a split into two blocks
        var dense = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            dense[i * n + i] = d[i];
            if (i < n - 1)
            {
                dense[i * n + i + 1] = dense[(i + 1) * n + i] = e[i];
            }
        }
        var (values, vectors) = SymmetricEigen.Decompose(dense, n);
        var (qlValues, rows) = TridiagonalQl.Eigen(d, e, [0, n - 1]);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(values[i], qlValues[i], 1e-12);
            Assert.Equal(Math.Abs(vectors[i]), Math.Abs(rows[0][i]), 1e-10);
            Assert.Equal(Math.Abs(vectors[(n - 1) * n + i]), Math.Abs(rows[1][i]), 1e-10);
        }
    }
}
