using Gradscope.Curvature;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Tests.Curvature;

public class DenseHessianTests
{
    /// <summary>
    /// Second-order oracle: column i of H by central differences of the analytic gradient,
    /// (∇L(θ + h e_i) − ∇L(θ − h e_i)) / 2h, truncation O(h²) ≈ 1e-10 at h = 1e-5.
    /// </summary>
    private static double[] FiniteDifferenceHessian(CurvatureProblem p, double h = 1e-5)
    {
        double[] theta = p.Params.Flatten();
        int n = theta.Length;
        var fd = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            var gp = p.LossAndGradient(p.Params.Unflatten(plus)).Gradient;
            var gm = p.LossAndGradient(p.Params.Unflatten(minus)).Gradient;
            for (int j = 0; j < n; j++)
            {
                fd[j * n + i] = (gp[j] - gm[j]) / (2 * h);
            }
        }
        return fd;
    }

    private static void AssertMatchesFiniteDifferences(CurvatureProblem p)
    {
        int n = p.Model.ParameterCount;
        var h = DenseHessian.Compute(p.Model, p.Loss, p.X, p.Y, p.Params);
        Assert.Equal(n * n, h.Length);
        var fd = FiniteDifferenceHessian(p);
        double scale = CurvatureFixture.MaxAbs(fd);
        double worst = 0;
        for (int i = 0; i < h.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(h[i] - fd[i]));
        }
        Assert.True(worst <= 1e-6 * scale, $"max |H - H_fd| = {worst:E3}, max |H| = {scale:E3}");
        // Symmetry of the raw HVP columns (before DenseHessian symmetrises them).
        var op = p.Operator();
        var raw = new double[n][];
        for (int j = 0; j < n; j++)
        {
            var e = new double[n];
            e[j] = 1;
            raw[j] = CurvatureFixture.Apply(op, e);
        }
        double asym = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                asym = Math.Max(asym, Math.Abs(raw[j][i] - raw[i][j]));
                Assert.Equal(h[i * n + j], h[j * n + i]);
            }
        }
        Assert.True(asym <= 1e-12 * scale, $"raw HVP asymmetry {asym:E3}");
    }

    [Fact]
    public void TanhMlpWithBiasesMatchesFiniteDifferences() =>
        AssertMatchesFiniteDifferences(CurvatureFixture.Mlp([3, 5, 2], 20, seed: 1));

    [Fact]
    public void DeepLinearNetworkMatchesFiniteDifferences() =>
        AssertMatchesFiniteDifferences(CurvatureFixture.Mlp([3, 4, 2], 25, seed: 2, activation: Activation.Linear, bias: false));

    [Fact]
    public void CrossEntropyWithIntegerLabelsMatchesOneHotTargetsAndFiniteDifferences()
    {
        var p = CurvatureFixture.Mlp([3, 5, 3], 30, seed: 3, loss: LossKind.CrossEntropy);
        int n = 30;
        var labels = new double[n];
        var onehot = new double[n * 3];
        for (int i = 0; i < n; i++)
        {
            labels[i] = (i * 7) % 3;
            onehot[i * 3 + (int)labels[i]] = 1;
        }
        var ce = p with { Y = Tensor.FromArray(onehot, n, 3) };
        var fromLabels = DenseHessian.Compute(ce.Model, ce.Loss, ce.X, Tensor.FromArray(labels, n), ce.Params, chunkSize: 8);
        var fromOneHot = DenseHessian.Compute(ce.Model, ce.Loss, ce.X, ce.Y, ce.Params);
        Assert.True(CurvatureFixture.RelativeError(fromLabels, fromOneHot) < 1e-12);
        AssertMatchesFiniteDifferences(ce);
    }

    [Fact]
    public void EigenIsDescendingWithUnitEigenvectors()
    {
        var (_, h, values, vectors) = CurvatureFixture.Medium.Value;
        int n = values.Length;
        for (int i = 1; i < n; i++)
        {
            Assert.True(values[i] <= values[i - 1]);
        }
        foreach (int i in new[] { 0, 1, n / 2, n - 1 })
        {
            var hv = CurvatureFixture.MatVec(h, n, vectors[i]);
            double res = 0;
            for (int t = 0; t < n; t++)
            {
                res += (hv[t] - values[i] * vectors[i][t]) * (hv[t] - values[i] * vectors[i][t]);
            }
            Assert.True(Math.Sqrt(res) < 1e-10 * Math.Abs(values[0]));
            Assert.Equal(1.0, Math.Sqrt(vectors[i].Sum(x => x * x)), 12);
        }
    }

    [Fact]
    public void RefusesTooManyParametersNamingTheSize()
    {
        var model = new Mlp([100, 60, 1], Activation.Tanh, bias: true);   // 6121 parameters
        var p = CurvatureFixture.RandomParams(model, Gradscope.Random.RngKey.FromSeed(1), 0.1);
        var x = Tensor.Zeros<double>(4, 100);
        var y = Tensor.Zeros<double>(4, 1);
        var ex = Assert.Throws<ArgumentException>(() => DenseHessian.Compute(model, LossKind.Mse, x, y, p));
        Assert.Contains("6121", ex.Message, StringComparison.Ordinal);
    }
}
