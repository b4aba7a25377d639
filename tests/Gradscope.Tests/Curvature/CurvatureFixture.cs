using Gradscope.Autodiff;
using Gradscope.Curvature;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Tests.Curvature;

/// <summary>A small model at a random (non-minimum) point with its data, plus dense oracles.</summary>
internal sealed record CurvatureProblem(Mlp Model, LossKind Loss, Tensor<double> X, Tensor<double> Y, ParamSet<double> Params)
{
    public HessianOperator<double> Operator(int chunkSize = 1024, IReadOnlyList<int>? block = null) =>
        new(Model, Loss, X, Y, Params, chunkSize, block);

    /// <summary>Mean loss and flattened gradient at θ, unchunked, straight from Loss.Compute.</summary>
    public (double Loss, double[] Gradient) LossAndGradient(ParamSet<double> at)
    {
        var (value, grads) = Grad.ValueAndGrad(q => Gradscope.Losses.Loss.Compute(Loss, Model.Forward(q, X), Y), at.Tensors);
        return (value.Item(), grads.SelectMany(g => g.ToArray()).ToArray());
    }
}

internal static class CurvatureFixture
{
    /// <summary>
    /// An MLP with tanh and biases, every parameter N(0, std²) (biases too, so θ is far from any
    /// symmetric point), inputs N(0, 1) and random targets: the residuals are large, so the Hessian's
    /// second-order term makes it indefinite.
    /// </summary>
    public static CurvatureProblem Mlp(int[] widths, int samples, long seed, double std = 0.7, Activation activation = Activation.Tanh, bool bias = true, LossKind loss = LossKind.Mse)
    {
        var model = new Mlp(widths, activation, bias);
        var keys = RngKey.FromSeed(seed).Split(3);
        var x = Tensor.Normal<double>(keys[0], [samples, widths[0]]);
        var y = Tensor.Normal<double>(keys[1], [samples, widths[^1]]);
        var p = RandomParams(model, keys[2], std);
        return new CurvatureProblem(model, loss, x, y, p);
    }

    public static ParamSet<double> RandomParams(Model model, RngKey key, double std) =>
        new(model.Parameters.Select(s => s.Name).ToArray(),
            model.Parameters.Select((s, i) => Tensor.Normal<double>(key.Fold((ulong)i), s.Shape, 0, std)).ToArray());

    /// <summary>The 315-parameter tanh MLP 6-16-10-3 on 40 samples used by the spectral tests.</summary>
    public static readonly Lazy<(CurvatureProblem Problem, double[] Hessian, double[] Values, double[][] Vectors)> Medium = new(() =>
    {
        var problem = Mlp([6, 16, 10, 3], 40, seed: 11, std: 0.8);
        var h = DenseHessian.Compute(problem.Model, problem.Loss, problem.X, problem.Y, problem.Params);
        var (values, vectors) = DenseHessian.Eigen(h, problem.Model.ParameterCount);
        return (problem, h, values, vectors);
    });

    public static double[] RandomVector(int n, long seed)
    {
        var v = new double[n];
        Sampling.Normal(RngKey.FromSeed(seed), v.AsSpan(), 0.0, 1.0);
        return v;
    }

    public static double[] Apply(ILinearOperator op, double[] v)
    {
        var r = new double[op.Dimension];
        op.Apply(v, r);
        return r;
    }

    public static double[] MatVec(double[] a, int n, double[] v)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++)
            {
                s += a[i * n + j] * v[j];
            }
            r[i] = s;
        }
        return r;
    }

    /// <summary>‖a − b‖ / ‖b‖.</summary>
    public static double RelativeError(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double d = 0, s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            d += (a[i] - b[i]) * (a[i] - b[i]);
            s += b[i] * b[i];
        }
        return Math.Sqrt(d / s);
    }

    public static double MaxAbs(ReadOnlySpan<double> a)
    {
        double m = 0;
        foreach (double x in a)
        {
            m = Math.Max(m, Math.Abs(x));
        }
        return m;
    }

    /// <summary>Q diag(spectrum) Qᵀ with a random orthogonal Q (QR of a Gaussian matrix via Gram–Schmidt).</summary>
    public static double[] WithSpectrum(double[] spectrum, long seed)
    {
        int n = spectrum.Length;
        var q = new double[n][];
        for (int j = 0; j < n; j++)
        {
            var v = RandomVector(n, seed * 1000 + j);
            for (int pass = 0; pass < 2; pass++)
            {
                for (int i = 0; i < j; i++)
                {
                    double c = 0;
                    for (int t = 0; t < n; t++)
                    {
                        c += q[i][t] * v[t];
                    }
                    for (int t = 0; t < n; t++)
                    {
                        v[t] -= c * q[i][t];
                    }
                }
            }
            double norm = Math.Sqrt(v.Sum(x => x * x));
            q[j] = v.Select(x => x / norm).ToArray();
        }
        var a = new double[n * n];
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                double s = 0;
                for (int k = 0; k < n; k++)
                {
                    s += q[k][r] * spectrum[k] * q[k][c];
                }
                a[r * n + c] = s;
            }
        }
        return a;
    }
}
