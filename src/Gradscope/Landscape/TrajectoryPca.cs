using System.Numerics;
using Gradscope.Nn;

namespace Gradscope.Landscape;

/// <summary>
/// The plane of an optimisation trajectory (Li et al. 2018, §7): directions X and Y (unit, orthogonal
/// flat vectors with θ's names and shapes), the fraction of the trajectory's variance each explains,
/// and each checkpoint's coordinates (α_i, β_i) in the plane through θ_final, so the path can be drawn
/// over the contour plot of L(θ_final + αX + βY) (the final point is at (0, 0)).
/// </summary>
/// <param name="AlphaOfCheckpoints">Coordinate of θ_i − θ_final along X, for each checkpoint in order (least squares on X, Y as stored in T).</param>
/// <param name="BetaOfCheckpoints">Coordinate along Y, likewise.</param>
public sealed record TrajectoryPca<T>(ParamSet<T> X, ParamSet<T> Y, double[] ExplainedVariance, double[] AlphaOfCheckpoints, double[] BetaOfCheckpoints)
    where T : unmanaged, IFloatingPointIeee754<T>;
