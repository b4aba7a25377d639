using System.Diagnostics;
using System.Numerics;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Curvature;

/// <summary>One measurement of workload W3 (DESIGN.md §5).</summary>
/// <param name="HvpPerSecond">Median over timed batches of Hessian-vector products per second.</param>
/// <param name="Sharpness">Top eigenvalue from a tight Lanczos run (the reference).</param>
/// <param name="LanczosHvpsTo1e3">Lanczos steps (HVPs) after which the top Ritz value is within 1e-3 relative of the reference and stays there.</param>
/// <param name="PowerIterations">HVPs of power iteration with PyHessian's stopping rule (relative change ≤ 1e-3).</param>
/// <param name="PowerError">Relative error of power iteration's eigenvalue against the reference.</param>
public sealed record SharpnessBenchmarkResult(string DType, int Samples, int Parameters, double HvpPerSecond, double[] HvpPerSecondBatches,
    double Sharpness, int LanczosHvpsTo1e3, int PowerIterations, double PowerError);

/// <summary>
/// W3: MLP 784-200-200-10 tanh, MSE, 1,000 samples (random normal inputs, random one-hot targets,
/// PyTorch's default init) — Hessian-vector products per second and how many of them sharpness
/// needs. The peer is <c>bench/peers/w3_torch.py</c> (same shapes).
/// </summary>
public static class SharpnessBenchmark
{
    public static readonly int[] Widths = [784, 200, 200, 10];

    public static SharpnessBenchmarkResult Run<T>(int samples = 1000, int batches = 5, int hvpsPerBatch = 5, long seed = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var key = RngKey.FromSeed(seed);
        var model = new Mlp(Widths, Activation.Tanh, bias: true);
        var x = Tensor.Normal<T>(key.Fold(1), [samples, Widths[0]]);
        var labels = Sampling.Permutation(key.Fold(2), samples).Select(i => i % Widths[^1]).ToArray();
        var yData = new T[samples * Widths[^1]];
        for (int i = 0; i < samples; i++)
        {
            yData[i * Widths[^1] + labels[i]] = T.One;
        }
        var y = Tensor.FromArray(yData, [samples, Widths[^1]]);
        var theta = Initializer.Create<T>(model, new InitOptions(), key.Fold(3));
        var op = new HessianOperator<T>(model, LossKind.Mse, x, y, theta);
        int n = op.Dimension;

        var v = new double[n];
        var hv = new double[n];
        KrylovStart(key.Fold(4), v);
        for (int i = 0; i < 2; i++)
        {
            op.Apply(v, hv); // warm-up: JIT and buffer pools
        }
        var rates = new double[batches];
        for (int b = 0; b < batches; b++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < hvpsPerBatch; i++)
            {
                op.Apply(v, hv);
            }
            rates[b] = hvpsPerBatch / sw.Elapsed.TotalSeconds;
        }

        // Ritz values after m Lanczos steps are the top eigenvalues of the leading m×m block of the
        // tridiagonal matrix, so one 60-step run gives the whole convergence history.
        const int steps = 60;
        KrylovStart(key.Fold(5), v);
        var (alpha, beta) = Lanczos.Tridiagonal(op, v, Math.Min(steps, n));
        var ritz = Enumerable.Range(1, alpha.Length).Select(m => TopOfTridiagonal(alpha, beta, m)).ToArray();
        double reference = Lanczos.Top(op, 1, new LanczosOptions { Tolerance = 1e-8, Seed = key.Fold(6).Value }).Values[0];
        int converged = ritz.Length;
        for (int m = ritz.Length; m >= 1 && Math.Abs(ritz[m - 1] - reference) <= 1e-3 * Math.Abs(reference); m--)
        {
            converged = m;
        }
        var power = PowerIteration.Top(op, 1e-3, 100, seed: key.Fold(7).Value);
        return new SharpnessBenchmarkResult(typeof(T) == typeof(float) ? "float32" : "float64", samples, n, Median(rates), rates,
            reference, converged, power.Applications, Math.Abs(power.Values[0] - reference) / Math.Abs(reference));
    }

    private static void KrylovStart(RngKey key, double[] v)
    {
        Sampling.Normal(key, v.AsSpan(), 0.0, 1.0);
        double norm = Math.Sqrt(v.Sum(a => a * a));
        for (int i = 0; i < v.Length; i++)
        {
            v[i] /= norm;
        }
    }

    private static double TopOfTridiagonal(double[] alpha, double[] beta, int m)
    {
        var t = new double[m * m];
        for (int i = 0; i < m; i++)
        {
            t[i * m + i] = alpha[i];
            if (i + 1 < m)
            {
                t[i * m + i + 1] = t[(i + 1) * m + i] = beta[i];
            }
        }
        return Linalg.SymmetricEigen.Decompose(t, m).Values[^1];
    }

    private static double Median(double[] a)
    {
        var s = a.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
