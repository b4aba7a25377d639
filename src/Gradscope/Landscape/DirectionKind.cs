namespace Gradscope.Landscape;

/// <summary>How the directions of a landscape slice are chosen (spec and CLI values: kebab-case of the names).</summary>
public enum DirectionKind
{
    /// <summary>Gaussian N(0, 1) entries, not rescaled (scale-dependent: see Li et al. 2018, §4).</summary>
    Random,

    /// <summary>Gaussian, each filter (row of a weight) rescaled to the norm of θ's row (Li et al. 2018, §4).</summary>
    FilterNormalized,

    /// <summary>Gaussian, each parameter tensor rescaled to the norm of θ's tensor.</summary>
    LayerNormalized,

    /// <summary>Top Hessian eigenvectors at θ (Lanczos), e.g. the sharpest directions.</summary>
    HessianEigen,

    /// <summary>The first principal directions of the optimisation trajectory (Li et al. 2018, §7).</summary>
    TrajectoryPca,
}
