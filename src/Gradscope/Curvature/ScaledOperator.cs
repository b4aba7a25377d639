namespace Gradscope.Curvature;

/// <summary>
/// B = S A S with S = diag(scale): a symmetric rescaling of a symmetric operator. Its use here is
/// the preconditioned sharpness of adaptive optimisers: Adam's step is θ ← θ − η P⁻¹ m with
/// P = diag(√v̂ + ε), so its stability on a quadratic is governed by λ_max(P⁻¹H), which equals
/// λ_max(P^{-1/2} H P^{-1/2}) — a symmetric operator Lanczos can handle — with scale_i = 1/√P_i
/// (Cohen et al. 2022, "Adaptive gradient methods at the edge of stability").
/// </summary>
public sealed class ScaledOperator : ILinearOperator
{
    private readonly ILinearOperator _inner;
    private readonly double[] _scale;
    private readonly double[] _scratch;

    public ScaledOperator(ILinearOperator inner, double[] scale)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(scale);
        if (scale.Length != inner.Dimension)
        {
            throw new ArgumentException($"{scale.Length} scale factors for an operator of dimension {inner.Dimension}", nameof(scale));
        }
        foreach (double s in scale)
        {
            if (!double.IsFinite(s))
            {
                throw new ArgumentException("scale factors must be finite", nameof(scale));
            }
        }
        _inner = inner;
        _scale = (double[])scale.Clone();
        _scratch = new double[scale.Length];
    }

    public int Dimension => _inner.Dimension;

    /// <summary>The diagonal of S (a copy).</summary>
    public double[] Scale => (double[])_scale.Clone();

    public void Apply(ReadOnlySpan<double> v, Span<double> result)
    {
        KrylovVectors.CheckLengths(Dimension, v, result);
        for (int i = 0; i < _scale.Length; i++)
        {
            _scratch[i] = _scale[i] * v[i];
        }
        _inner.Apply(_scratch, result);
        for (int i = 0; i < _scale.Length; i++)
        {
            result[i] *= _scale[i];
        }
    }
}
