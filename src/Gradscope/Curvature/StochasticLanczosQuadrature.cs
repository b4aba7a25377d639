using Gradscope.Random;

namespace Gradscope.Curvature;

/// <summary>
/// Stochastic Lanczos quadrature (Ubaru, Chen &amp; Saad 2017), the method behind the Hessian eigenvalue
/// densities of Ghorbani, Krishnan &amp; Xiao (2019, "An investigation into neural net optimization via
/// Hessian eigenvalue density") and PyHessian (Yao et al. 2020): the whole spectrum of an operator
/// too large to diagonalise, from a few probes × m Hessian-vector products.
/// </summary>
public static class StochasticLanczosQuadrature
{
    /// <summary>
    /// For each of <paramref name="probes"/> Rademacher vectors z (probe i from <c>key.Fold(i)</c>,
    /// the same vectors <see cref="HutchinsonTrace"/> uses for that key), run <paramref name="steps"/>
    /// Lanczos steps with full reorthogonalisation from q = z/√P and take the eigen-decomposition
    /// T = S Θ Sᵀ: nodes θ_j, weights τ_j = S_{1j}². Costs probes × steps applications (fewer if a
    /// Krylov space becomes invariant early, where the quadrature is already exact).
    /// </summary>
    public static SpectralDensity Estimate(ILinearOperator op, int probes, int steps, RngKey key)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(probes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        var nodes = new double[probes][];
        var weights = new double[probes][];
        for (int p = 0; p < probes; p++)
        {
            var z = KrylovVectors.Rademacher(key.Fold((ulong)p), op.Dimension);
            var (alpha, beta) = Lanczos.Tridiagonal(op, z, steps);
            var (values, rows) = TridiagonalQl.Eigen(alpha, beta, [0]);
            nodes[p] = values;
            weights[p] = rows[0].Select(s => s * s).ToArray();
        }
        return new SpectralDensity(nodes, weights);
    }
}
