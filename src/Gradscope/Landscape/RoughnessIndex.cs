using System.Numerics;
using Gradscope.Data;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Random;

namespace Gradscope.Landscape;

/// <summary>
/// The roughness index of a loss landscape at θ: Wu, Jian, Du, Chen &amp; Zhou, "Roughness Index for
/// Loss Landscapes of Neural Network Models of Partial Differential Equations" (arXiv:2103.11069, 2021;
/// IEEE BigData 2023). It summarises how oscillatory the landscape is around θ by sampling M random
/// directions d_i, taking the 1-D functions f_i(t) = L(θ + t·d_i) on m + 1 evenly spaced points t_j of
/// [−l, l], and measuring the spread across directions of their normalised total variation:
/// <code>
///   T_i = Σ_j |f_i(t_{j+1}) − f_i(t_j)| / (2l · (max_j f_i − min_j f_i)),     RI = std(T) / mean(T)
/// </code>
/// with the sample standard deviation (n − 1). T_i is 1/(2l) for a monotone f_i, 1/l for an f_i that
/// goes down once and up once with equal ends, and grows with each extra oscillation; a large RI at a
/// minimiser means some directions are far more oscillatory than others, a hard landscape for
/// first-order methods.
/// </summary>
/// <remarks>
/// <para>
/// Degenerate directions (our convention: the formula is 0/0 there): when max_j f_i − min_j f_i is
/// at most 64·ε_T·max_j |f_i| (constant to the rounding of T, e.g. a direction orthogonal to the
/// gradient of a linear function, or in the null space of a quadratic), T_i = 0/0 is undefined: it is
/// reported as NaN, counted in <see cref="RoughnessResult.FlatDirections"/>, and left out of the mean and
/// standard deviation — a flat direction shows no roughness, and any finite value we could give it would
/// have to equal the T of the other directions to keep the two sanity checks below. With no varying
/// direction the index is 0 (a constant function is perfectly smooth); with exactly one it is NaN (no
/// spread can be measured); if any value is non-finite (a diverged point) the index is NaN.
/// </para>
/// <para>
/// The two sanity checks this definition satisfies (and the tests check): a linear function has
/// T_i = 1/(2l) on every non-flat direction, so RI = 0; a quadratic at its minimum sampled on the
/// symmetric grid (at least 3 points) has f_i(t) = L(θ) + c_i t², whose total variation is 2·(max − min) for
/// any c_i ≠ 0 — T_i = 1/l on every direction — so RI = 0 as well. The grid t_j is a
/// <see cref="GridAxis"/>(−l, l, points), exactly symmetric about 0.
/// </para>
/// </remarks>
public static class RoughnessIndex
{
    public const int DefaultDirections = 100;

    /// <summary>m + 1 = 11 points per direction: Wu et al.'s default m = 10 intervals, t = 0 on the grid.</summary>
    public const int DefaultPoints = 11;

    public const double DefaultRadius = 0.1;

    /// <summary>
    /// The roughness index of the mean loss on <paramref name="data"/> at θ, along
    /// <paramref name="directions"/> random directions of the given kind (direction i drawn from
    /// key.Fold(i); filter-normalised by default, as Li et al. 2018 recommend for comparing networks).
    /// Directions are processed in parallel (one per thread at a time, so memory stays at a few copies of θ),
    /// and the result does not depend on the thread count.
    /// </summary>
    /// <param name="points">Points per direction, m + 1 (end points ±l included); at least 2.</param>
    /// <param name="radius">l, the half-width of the interval, in the units of the direction (for filter-normalised directions: relative to θ's filters).</param>
    public static RoughnessResult Compute<T>(Model model, LossKind loss, DataSplit<T> data, ParamSet<T> theta, RngKey key,
        int directions = DefaultDirections, int points = DefaultPoints, double radius = DefaultRadius,
        DirectionKind kind = DirectionKind.FilterNormalized, int? threads = null, ForwardMode mode = ForwardMode.Auto)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(directions, points, radius);
        if (kind is not (DirectionKind.Random or DirectionKind.FilterNormalized or DirectionKind.LayerNormalized))
        {
            throw new ArgumentException($"the roughness index samples random directions; {kind} is not one (use Random, FilterNormalized or LayerNormalized)", nameof(kind));
        }
        var evaluator = new LandscapeEvaluator<T>(model, loss, data, null, mode);
        var center = evaluator.Prepare(theta, nameof(theta));
        var grid = new GridAxis(-radius, radius, points);
        var values = new double[directions][];
        ParallelPoints.Run(directions, ParallelPoints.Resolve(threads), evaluator.CreateWorker, (worker, i) =>
        {
            // The direction and its first-layer products live for this direction only (this scope), the
            // point scopes inside it are recycled point by point.
            using var scope = Tensors.TensorArena.Begin();
            var d = Directions.Create(kind, model, theta, key.Fold((ulong)i));
            BasisVector<T>[] basis = [center, evaluator.Prepare(d, "direction")];
            var f = new double[points];
            for (int j = 0; j < points; j++)
            {
                f[j] = worker.Evaluate(basis, [1, grid[j]]).Loss;
            }
            values[i] = f;
        }, default);
        return Summarize(values, radius, FlatTolerance<T>());
    }

    /// <summary>
    /// The same index for any function f of the parameters (analytic losses in tests, custom
    /// objectives): f_i(t) = f(θ + t·d_i) with d_i = <paramref name="direction"/>(i), evaluated serially.
    /// θ + t·d is formed in T as in <see cref="Surface"/> (t = 0 gives θ exactly).
    /// </summary>
    public static RoughnessResult Compute<T>(Func<ParamSet<T>, double> f, ParamSet<T> theta, Func<int, ParamSet<T>> direction,
        int directions, int points, double radius)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentNullException.ThrowIfNull(direction);
        Check(directions, points, radius);
        var grid = new GridAxis(-radius, radius, points);
        var values = new double[directions][];
        for (int i = 0; i < directions; i++)
        {
            var d = direction(i);
            ParamMath.CheckLike(theta, d, $"direction({i})");
            ParamSet<T>[] basis = [theta, d];
            values[i] = new double[points];
            for (int j = 0; j < points; j++)
            {
                values[i][j] = f(ParamMath.Combination(basis, [1, grid[j]]));
            }
        }
        return Summarize(values, radius, FlatTolerance<T>());
    }

    /// <summary>
    /// T_i of one direction's values on the symmetric grid of half-width <paramref name="radius"/>:
    /// total variation / (2l·(max − min)); NaN when the values are constant to
    /// <paramref name="flatTolerance"/> (relative to max |f|).
    /// </summary>
    public static double NormalizedTotalVariation(ReadOnlySpan<double> f, double radius, double flatTolerance)
    {
        double max = double.NegativeInfinity, min = double.PositiveInfinity, scale = 0, tv = 0;
        for (int j = 0; j < f.Length; j++)
        {
            max = Math.Max(max, f[j]);
            min = Math.Min(min, f[j]);
            scale = Math.Max(scale, Math.Abs(f[j]));
            if (j > 0)
            {
                tv += Math.Abs(f[j] - f[j - 1]);
            }
        }
        double range = max - min;
        return range <= flatTolerance * scale ? double.NaN : tv / (2 * radius * range);
    }

    /// <summary>64 ε_T: a spread this small relative to |f| is rounding, not landscape.</summary>
    private static double FlatTolerance<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        64 * double.CreateTruncating(T.Epsilon);

    private static RoughnessResult Summarize(double[][] values, double radius, double flatTolerance)
    {
        int m = values.Length, points = values[0].Length;
        var t = new double[m];
        bool finite = true;
        int flat = 0;
        for (int i = 0; i < m; i++)
        {
            foreach (var v in values[i])
            {
                finite &= double.IsFinite(v);
            }
            t[i] = NormalizedTotalVariation(values[i], radius, flatTolerance);
            flat += double.IsNaN(t[i]) ? 1 : 0;
        }
        double index = finite ? Index(t) : double.NaN;
        return new RoughnessResult(index, t, m, points, radius) { FlatDirections = flat };
    }

    /// <summary>std/mean of the non-NaN T_i (sample std); 0 with none, NaN with one.</summary>
    private static double Index(double[] t)
    {
        var v = t.Where(x => !double.IsNaN(x)).ToArray();
        if (v.Length == 0)
        {
            return 0;
        }
        if (v.Length == 1)
        {
            return double.NaN;
        }
        double mean = v.Average();
        double ss = 0;
        foreach (var x in v)
        {
            ss += (x - mean) * (x - mean);
        }
        return Math.Sqrt(ss / (v.Length - 1)) / mean;
    }

    private static void Check(int directions, int points, double radius)
    {
        if (directions < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(directions), directions, "the roughness index needs at least 2 directions (it is a standard deviation over directions)");
        }
        if (points < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(points), points, "at least 2 points per direction");
        }
        if (!(radius > 0) || !double.IsFinite(radius))
        {
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "the radius must be positive and finite");
        }
    }
}
