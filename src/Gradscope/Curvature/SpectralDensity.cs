namespace Gradscope.Curvature;

/// <summary>
/// An estimate of the eigenvalue density φ(t) = (1/P) Σ_i δ(t − λ_i) by stochastic Lanczos
/// quadrature: for each probe, Gauss quadrature nodes θ_j (Ritz values) and weights τ_j (squared
/// first components of T's eigenvectors), so that Σ_j τ_j f(θ_j) ≈ qᵀ f(A) q for the probe's unit
/// start q (Golub &amp; Welsch 1969; Ubaru, Chen &amp; Saad 2017; Ghorbani, Krishnan &amp; Xiao 2019).
/// For a Rademacher q = z/√P, E[qᵀ f(A) q] = tr f(A) / P.
/// </summary>
/// <param name="Nodes">Per probe, the Ritz values θ_j (ascending).</param>
/// <param name="Weights">Per probe, the quadrature weights τ_j (non-negative, summing to 1).</param>
public sealed record SpectralDensity(double[][] Nodes, double[][] Weights)
{
    /// <summary>Number of probes averaged.</summary>
    public int Probes => Nodes.Length;

    /// <summary>
    /// The density smoothed by a Gaussian of width <paramref name="sigma"/> at each grid point:
    /// (1/probes) Σ_p Σ_j τ_pj N(t; θ_pj, σ²). Each probe's weights sum to 1 and each Gaussian integrates
    /// to 1, so the result integrates to 1 over a grid extending a few σ beyond the extreme nodes.
    /// </summary>
    public double[] Evaluate(ReadOnlySpan<double> grid, double sigma)
    {
        if (!(sigma > 0) || !double.IsFinite(sigma))
        {
            throw new ArgumentException($"spectral density: sigma must be positive, got {sigma}", nameof(sigma));
        }
        var density = new double[grid.Length];
        double norm = 1 / (sigma * Math.Sqrt(2 * Math.PI) * Probes);
        for (int g = 0; g < grid.Length; g++)
        {
            double t = grid[g], sum = 0;
            for (int p = 0; p < Nodes.Length; p++)
            {
                var nodes = Nodes[p];
                var weights = Weights[p];
                for (int j = 0; j < nodes.Length; j++)
                {
                    double u = (t - nodes[j]) / sigma;
                    sum += weights[j] * Math.Exp(-0.5 * u * u);
                }
            }
            density[g] = sum * norm;
        }
        return density;
    }

    /// <summary>
    /// <paramref name="points"/> equally spaced points on [min node − pad, max node + pad], pad = 10% of
    /// the node range (or of max(|max node|, 1) when all nodes coincide). Choose σ at most ~pad/5 for the
    /// density to integrate to 1 on it.
    /// </summary>
    public double[] DefaultGrid(int points = 200)
    {
        if (points < 2)
        {
            throw new ArgumentException($"spectral density: a grid needs at least 2 points, got {points}", nameof(points));
        }
        var (lo, hi) = NodeRange();
        double width = hi - lo;
        double pad = 0.1 * (width > 0 ? width : Math.Max(Math.Abs(hi), 1));
        var grid = new double[points];
        for (int i = 0; i < points; i++)
        {
            grid[i] = lo - pad + (width + 2 * pad) * i / (points - 1);
        }
        return grid;
    }

    /// <summary>The lowest and the highest node over all probes (the extreme Ritz values).</summary>
    public (double Min, double Max) NodeRange()
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var nodes in Nodes)
        {
            foreach (double t in nodes)
            {
                lo = Math.Min(lo, t);
                hi = Math.Max(hi, t);
            }
        }
        if (lo > hi)
        {
            throw new InvalidOperationException("spectral density: no nodes");
        }
        return (lo, hi);
    }

    /// <summary>Broadening when none is given: this fraction of the width of the spectrum found.</summary>
    public const double DefaultRelativeSigma = 0.01;

    /// <summary>
    /// The density on a grid of <paramref name="points"/> reaching 5σ beyond the extreme nodes (all but
    /// ~1e-7 of the mass), with σ = <paramref name="sigma"/> or <see cref="DefaultRelativeSigma"/> of the
    /// nodes' range — what the hessian-density probe stores and <c>gradscope hessian --density</c> prints.
    /// </summary>
    public (double[] Grid, double[] Density) Broadened(int points, double? sigma = null)
    {
        var (lo, hi) = NodeRange();
        double width = Math.Max(hi - lo, 1e-12 * Math.Max(1, Math.Abs(hi)));
        double s = sigma ?? DefaultRelativeSigma * width;
        var grid = new double[points];
        for (int i = 0; i < points; i++)
        {
            grid[i] = lo - 5 * s + (width + 10 * s) * i / (points - 1);
        }
        return (grid, Evaluate(grid, s));
    }

    /// <summary>Exact eigenvalues as a density: one "probe" with weight 1/n on each (a dense Hessian's spectrum).</summary>
    public static SpectralDensity OfEigenvalues(double[] values) =>
        new([values], [Enumerable.Repeat(1.0 / values.Length, values.Length).ToArray()]);

    /// <summary>
    /// Σ_probes Σ_j τ_j θ_j^p / probes, an estimate of tr(A^p)/P. Gauss quadrature with m nodes is exact
    /// for polynomials of degree ≤ 2m − 1, so for p ≤ 2m − 1 each probe's term equals qᵀA^p q exactly
    /// (up to rounding) and the only error is the Hutchinson sampling error over probes.
    /// </summary>
    public double Moment(int p) => ProbeMoments(p).Average();

    /// <summary>Each probe's Σ_j τ_j θ_j^p (their spread gives the standard error of <see cref="Moment"/>).</summary>
    public double[] ProbeMoments(int p)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(p);
        var m = new double[Probes];
        for (int i = 0; i < Probes; i++)
        {
            double s = 0;
            for (int j = 0; j < Nodes[i].Length; j++)
            {
                s += Weights[i][j] * Math.Pow(Nodes[i][j], p);
            }
            m[i] = s;
        }
        return m;
    }
}
