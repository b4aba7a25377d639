using Gradscope.Lab.Report;

namespace Gradscope.Tests.Lab.Report;

/// <summary>
/// Metrics of a two-layer linear net trained by GD on a whitened linear teacher, computed mode by mode:
/// with aligned balanced init each mode k is a scalar pair (a_k, b_k), u_k = a_k b_k, and the loss is
/// 0.5 Σ_k (s_k − u_k)². The theory curve is Saxe et al. (2014) eq. 6 for gradient flow in time t = η·n,
/// so the measured GD curve sits close to (not on) it — as in a real run.
/// </summary>
internal static class SyntheticRuns
{
    public const string SpecJson =
        """{"name":"saxe-synthetic","seed":7,"data":{"kind":"linear-teacher","singular_values":[5,3,1]},"optimizer":{"kind":"gd","lr":0.01},"steps":600}""";

    public static readonly double[] Singular = [5, 3, 1];

    /// <summary>Saxe et al. (2014) eq. 6: u(t) = s e^{2st} / (e^{2st} − 1 + s/u0).</summary>
    public static double SaxeTwoLayer(double s, double u0, double t)
    {
        double e = Math.Exp(2 * s * t);
        return s * e / (e - 1 + s / u0);
    }

    public static ReportRun Run(string id = "20261123-120000-saxe-test", string status = "completed") =>
        new(id, "saxe-synthetic", status, SpecJson, new Dictionary<string, string>
        {
            ["theory/max_rel_error"] = "0.0042",
            ["final loss/train"] = "1.2e-9",
        });

    /// <param name="nanFromStep">From this step on every loss record is NaN (a diverged run), if given.</param>
    public static List<ReportMetric> SaxeGd(int steps = 600, double eta = 0.01, double u0 = 1e-3, int? nanFromStep = null)
    {
        var metrics = new List<ReportMetric>();
        double[] a = [.. Singular.Select(_ => Math.Sqrt(u0))];
        double[] b = [.. a];
        double maxRelError = 0;
        for (int n = 0; n <= steps; n++)
        {
            double t = n * eta;
            double loss = 0, g0 = 0, g1 = 0;
            for (int k = 0; k < Singular.Length; k++)
            {
                double s = Singular[k], u = a[k] * b[k], theory = SaxeTwoLayer(s, u0, t);
                maxRelError = Math.Max(maxRelError, Math.Abs(u - theory) / s);
                metrics.Add(new(n, t, $"mode/{k + 1}", u));
                metrics.Add(new(n, t, $"theory/mode/{k + 1}", theory));
                metrics.Add(new(n, t, $"sv/layers.0.weight/{k + 1}", Math.Abs(a[k])));
                metrics.Add(new(n, t, $"sv/layers.1.weight/{k + 1}", Math.Abs(b[k])));
                loss += 0.5 * (s - u) * (s - u);
                g0 += Math.Pow(b[k] * (s - u), 2);
                g1 += Math.Pow(a[k] * (s - u), 2);
            }

            double recorded = nanFromStep is { } from && n >= from ? double.NaN : loss;
            metrics.Add(new(n, t, "loss/train", recorded));
            if (n % 10 == 0)
            {
                metrics.Add(new(n, t, "loss/test", recorded * 1.1 + 1e-4));
            }

            metrics.Add(new(n, t, "grad_norm", Math.Sqrt(g0 + g1)));
            metrics.Add(new(n, t, "grad_norm/layers.0.weight", Math.Sqrt(g0)));
            metrics.Add(new(n, t, "grad_norm/layers.1.weight", Math.Sqrt(g1)));
            metrics.Add(new(n, t, "balancedness/1", Math.Sqrt(a.Zip(b, (x, y) => Math.Pow(x * x - y * y, 2)).Sum())));
            metrics.Add(new(n, t, "theory/max_rel_error", maxRelError));
            metrics.Add(new(n, t, "param_norm", Math.Sqrt(a.Sum(x => x * x) + b.Sum(x => x * x))));

            for (int k = 0; k < Singular.Length; k++)
            {
                double r = Singular[k] - a[k] * b[k];
                (a[k], b[k]) = (a[k] + eta * b[k] * r, b[k] + eta * a[k] * r);
            }
        }

        return metrics;
    }
}
