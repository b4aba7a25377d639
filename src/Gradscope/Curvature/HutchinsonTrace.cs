using Gradscope.Linalg;
using Gradscope.Random;

namespace Gradscope.Curvature;

/// <summary>A stochastic trace estimate with its standard error (sample std / √probes).</summary>
public sealed record TraceEstimate(double Trace, double StdErr, int Probes);

/// <summary>
/// Hutchinson's trace estimator (Hutchinson 1989): for z with E[zzᵀ] = I, E[zᵀAz] = tr(A), so the
/// mean of zᵀAz over independent probes estimates tr(H) from Hessian-vector products alone — the
/// trace measure of flatness in PyHessian (Yao et al. 2020). Rademacher probes (±1 entries) minimise
/// the variance among i.i.d. probes, Var(zᵀAz) = 2 Σ_{i≠j} A_ij², with no diagonal contribution.
/// </summary>
public static class HutchinsonTrace
{
    /// <summary>
    /// Mean of zᵀAz over <paramref name="probes"/> Rademacher vectors; probe i is drawn from
    /// <c>key.Fold(i)</c>, so estimates with more probes extend those with fewer. StdErr is the sample
    /// standard deviation (n − 1 denominator) over √probes; NaN for a single probe.
    /// </summary>
    public static TraceEstimate Estimate(ILinearOperator op, int probes, RngKey key)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(probes);
        var samples = Samples(op, probes, key);
        double mean = samples.Average();
        double stdErr = double.NaN;
        if (probes > 1)
        {
            double ss = samples.Sum(s => (s - mean) * (s - mean));
            stdErr = Math.Sqrt(ss / (probes - 1) / probes);
        }
        return new TraceEstimate(mean, stdErr, probes);
    }

    /// <summary>The exact trace Σ e_iᵀ A e_i from n applications (for small blocks); StdErr 0, Probes = n.</summary>
    public static TraceEstimate Exact(ILinearOperator op)
    {
        ArgumentNullException.ThrowIfNull(op);
        int n = op.Dimension;
        var e = new double[n];
        var ae = new double[n];
        double trace = 0;
        for (int i = 0; i < n; i++)
        {
            e[i] = 1;
            op.Apply(e, ae);
            e[i] = 0;
            trace += ae[i];
        }
        return new TraceEstimate(trace, 0, n);
    }

    /// <summary>The per-probe quadratic forms zᵀAz (their mean is the estimate).</summary>
    internal static double[] Samples(ILinearOperator op, int probes, RngKey key)
    {
        int n = op.Dimension;
        var az = new double[n];
        var samples = new double[probes];
        for (int p = 0; p < probes; p++)
        {
            var z = KrylovVectors.Rademacher(key.Fold((ulong)p), n);
            op.Apply(z, az);
            samples[p] = Blas1.Dot(z, az);
        }
        return samples;
    }
}
