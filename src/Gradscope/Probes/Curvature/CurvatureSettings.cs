using Gradscope.Random;

namespace Gradscope.Probes.Curvature;

/// <summary>
/// Options shared by the curvature probes (spec keys of <c>probes[]</c>).
/// </summary>
/// <param name="Samples">Measure the Hessian of the mean loss over the first this many training samples; null = all.</param>
/// <param name="Tolerance">Lanczos residual tolerance: ‖Hv − λv‖ ≤ tol·|λ| for every wanted pair.</param>
/// <param name="ChunkSize">Samples per Hessian-vector product chunk (bounds memory).</param>
/// <param name="Key">Randomness of this probe (Lanczos starts, Rademacher probes); folded with the step, so a record is reproducible.</param>
public sealed record CurvatureSettings(int? Samples, double Tolerance, int ChunkSize, RngKey Key)
{
    public const double DefaultTolerance = 1e-3;

    public const int DefaultChunkSize = 1024;

    /// <summary>Lanczos Krylov-dimension cap per record.</summary>
    public int MaxIterations { get; init; } = 300;

    public static CurvatureSettings Default(RngKey key) => new(null, DefaultTolerance, DefaultChunkSize, key);
}
