namespace Gradscope.Landscape;

/// <summary>
/// A roughness index (Wu et al. 2021; see <see cref="RoughnessIndex"/>) with what it was computed from.
/// </summary>
/// <param name="Index">RI = std(T)/mean(T) over the directions along which the loss varies (sample standard deviation).</param>
/// <param name="T">The normalised total variation T_i of each direction, in order; NaN for a direction along which the loss is constant (excluded).</param>
/// <param name="Directions">Directions sampled (M).</param>
/// <param name="Points">Points per direction (m + 1, end points included).</param>
/// <param name="Radius">Half-width l of the interval [−l, l].</param>
public sealed record RoughnessResult(double Index, double[] T, int Directions, int Points, double Radius)
{
    /// <summary>Directions along which the loss was constant to rounding (their T is NaN and they do not enter the index).</summary>
    public int FlatDirections { get; init; }
}
