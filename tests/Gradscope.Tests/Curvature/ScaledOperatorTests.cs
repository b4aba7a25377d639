using Gradscope.Curvature;

namespace Gradscope.Tests.Curvature;

public class ScaledOperatorTests
{
    [Fact]
    public void EqualsTheExplicitlyScaledHessian()
    {
        var p = CurvatureFixture.Mlp([4, 7, 2], 30, seed: 12);
        var op = p.Operator();
        int n = op.Dimension;
        var h = DenseHessian.Compute(op);
        // Adam-like preconditioner P_i spread over two orders of magnitude, scale_i = 1/√P_i.
        var precond = CurvatureFixture.RandomVector(n, 13).Select(x => Math.Exp(2 * x)).ToArray();
        var scale = precond.Select(x => 1 / Math.Sqrt(x)).ToArray();
        var scaled = new ScaledOperator(op, scale);
        var explicitShs = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                explicitShs[i * n + j] = scale[i] * h[i * n + j] * scale[j];
            }
        }
        var v = CurvatureFixture.RandomVector(n, 14);
        Assert.True(CurvatureFixture.RelativeError(CurvatureFixture.Apply(scaled, v), CurvatureFixture.MatVec(explicitShs, n, v)) < 1e-12);
        double exactTop = DenseHessian.Eigen(explicitShs, n).Values[0];
        var r = Lanczos.Top(scaled, 1, new LanczosOptions { Tolerance = 1e-10 });
        Assert.True(Math.Abs(r.Values[0] - exactTop) <= 1e-9 * Math.Abs(exactTop));
        Assert.Throws<ArgumentException>(() => new ScaledOperator(op, new double[n - 1]));
    }
}
