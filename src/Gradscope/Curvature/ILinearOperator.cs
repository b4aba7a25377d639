namespace Gradscope.Curvature;

/// <summary>
/// A symmetric linear operator on Rⁿ in float64: the Hessian, a diagonal block of it, a
/// preconditioned Hessian, or an explicit matrix. Curvature algorithms (Lanczos, power iteration,
/// Hutchinson, stochastic Lanczos quadrature) only ever need products A·v, which for a network's
/// Hessian cost about two backward passes (Pearlmutter 1994) instead of the P² memory of H itself.
/// </summary>
public interface ILinearOperator
{
    /// <summary>n: the length of the vectors the operator acts on.</summary>
    int Dimension { get; }

    /// <summary>result = A v. Both spans have length <see cref="Dimension"/> and must not overlap.</summary>
    void Apply(ReadOnlySpan<double> v, Span<double> result);
}
