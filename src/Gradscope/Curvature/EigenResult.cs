namespace Gradscope.Curvature;

/// <summary>
/// Eigenpairs found by an iterative solver. Order: for <see cref="Lanczos.Top"/> descending (largest
/// algebraic first), for <see cref="Lanczos.Bottom"/> ascending (most negative first), for
/// <see cref="PowerIteration.Top"/> the single dominant pair. Vectors have unit norm.
/// </summary>
/// <param name="Values">Eigenvalue estimates (Ritz values).</param>
/// <param name="Vectors">Unit eigenvector estimates (Ritz vectors), one per value.</param>
/// <param name="Residuals">True residual norms ‖A vᵢ − λᵢ vᵢ‖, computed from an actual application of the operator to each returned vector (not the Lanczos estimate).</param>
/// <param name="Applications">Operator applications this call made, including the ones spent on the residuals.</param>
/// <param name="Converged">Whether the method's stopping test was met (see each method for which test).</param>
public sealed record EigenResult(double[] Values, double[][] Vectors, double[] Residuals, int Applications, bool Converged)
{
    /// <summary>Dimension of the Krylov basis built (Lanczos) or iterations run (power iteration).</summary>
    public int Iterations { get; init; }
}
