namespace Gradscope.Curvature;

/// <summary>Stopping rule, budget and start of <see cref="Lanczos"/>.</summary>
public sealed record LanczosOptions
{
    /// <summary>
    /// Converged when the Lanczos residual estimate of each of the k wanted Ritz pairs is at most
    /// Tolerance·|λ| (with |λ| floored at 1e-8·‖T‖, so an eigenvalue at exactly zero can converge).
    /// </summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>Cap on the Krylov dimension (operator applications before the residual checks); also capped at the operator's dimension.</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>Warm start, e.g. the previous record's top eigenvector (normalised here); a seeded random unit vector if null.</summary>
    public double[]? Start { get; init; }

    /// <summary>Seed of the random start and of the fresh vectors drawn after an invariant-subspace breakdown.</summary>
    public ulong Seed { get; init; }
}
