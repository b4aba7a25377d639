using Gradscope.Linalg;
using Gradscope.Random;

namespace Gradscope.Curvature;

/// <summary>
/// The dominant (largest |λ|) eigenpair by power iteration, with PyHessian's stopping rule
/// (Yao et al. 2020): stop when successive Rayleigh quotients agree, |λ_k − λ_{k−1}| ≤ tol·|λ_k|.
/// Kept as the reference method of the sharpness literature and as a cross-check of Lanczos; it
/// converges like (λ₂/λ₁)^{2k} in the eigenvalue, far slower than Lanczos when the top of the
/// spectrum is clustered, and the relative-change rule can stop early on a slow plateau —
/// compare <see cref="EigenResult.Residuals"/>.
/// </summary>
public static class PowerIteration
{
    /// <summary>
    /// Iterates v ← A v / ‖A v‖ from <paramref name="start"/> (or a seeded random unit vector).
    /// Each iteration is one application; the returned λ is the Rayleigh quotient vᵀAv of the returned
    /// v, and its residual ‖Av − λv‖ comes from that same application (true, not estimated).
    /// <see cref="EigenResult.Converged"/> reports the relative-change test.
    /// </summary>
    public static EigenResult Top(ILinearOperator op, double tolerance = 1e-3, int maxIterations = 100, double[]? start = null, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxIterations);
        if (!(tolerance > 0))
        {
            throw new ArgumentException($"power iteration: tolerance must be positive, got {tolerance}", nameof(tolerance));
        }
        int n = op.Dimension;
        double[] v;
        if (start is null)
        {
            v = KrylovVectors.RandomUnit(new RngKey(seed), n);
        }
        else
        {
            if (start.Length != n)
            {
                throw new ArgumentException($"power iteration: start of length {start.Length} for dimension {n}", nameof(start));
            }
            v = (double[])start.Clone();
            double norm = KrylovVectors.Norm(v);
            if (!(norm > 0) || !double.IsFinite(norm))
            {
                throw new ArgumentException("power iteration: the start vector must be finite and nonzero", nameof(start));
            }
            Blas1.Scale(1 / norm, v);
        }
        var av = new double[n];
        double lambda = double.NaN, previous = double.NaN, residual = double.NaN;
        bool converged = false;
        int it = 0;
        while (it < maxIterations)
        {
            op.Apply(v, av);
            it++;
            lambda = Blas1.Dot(v, av);
            double norm = KrylovVectors.Norm(av);
            if (!double.IsFinite(lambda) || !double.IsFinite(norm))
            {
                return new EigenResult([double.NaN], [v], [double.NaN], it, false) { Iterations = it };
            }
            residual = Residual(av, v, lambda);
            if (norm == 0 || (it > 1 && Math.Abs(lambda - previous) <= tolerance * Math.Abs(lambda)))
            {
                converged = true;
                break;
            }
            if (it == maxIterations)
            {
                break;
            }
            previous = lambda;
            Blas1.Scale(1 / norm, av);
            (v, av) = (av, v);
        }
        return new EigenResult([lambda], [v], [residual], it, converged) { Iterations = it };
    }

    /// <summary>‖Av − λv‖ computed directly (‖Av‖² − λ² would cancel catastrophically near convergence).</summary>
    private static double Residual(ReadOnlySpan<double> av, ReadOnlySpan<double> v, double lambda)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            double r = av[i] - lambda * v[i];
            s += r * r;
        }
        return Math.Sqrt(s);
    }
}
