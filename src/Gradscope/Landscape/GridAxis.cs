using System.Globalization;

namespace Gradscope.Landscape;

/// <summary>
/// One axis of a landscape grid: <see cref="Points"/> values evenly spaced from <see cref="Min"/> to
/// <see cref="Max"/> inclusive, written <c>min:max:points</c> (e.g. <c>-1:1:51</c>).
/// </summary>
/// <remarks>
/// Value i is computed as (Min·(n−1−i) + Max·i)/(n−1), with the end points returned as given. This
/// form makes every grid point that is mathematically 0 exactly 0.0 (the two products are equal in
/// magnitude, so their roundings are too), so the grid passes through the centre θ itself and
/// <c>L(θ + 0·δ + 0·η)</c> is <c>L(θ)</c> exactly; it also makes symmetric axes exactly symmetric
/// (value n−1−i is −(value i) when Min = −Max), which the roughness index relies on.
/// </remarks>
public sealed record GridAxis(double Min, double Max, int Points)
{
    /// <summary>Checked on construction: finite bounds, Max &gt; Min, Points ≥ 2 (ArgumentException naming the problem).</summary>
    public int Points { get; init; } = Check(Min, Max, Points);

    /// <summary>The i-th value, i in [0, Points).</summary>
    public double this[int i]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(i);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, Points);
            int last = Points - 1;
            if (i == 0)
            {
                return Min;
            }
            if (i == last)
            {
                return Max;
            }
            return (Min * (last - i) + Max * i) / last;
        }
    }

    /// <summary>All values, in order.</summary>
    public double[] Values()
    {
        var v = new double[Points];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = this[i];
        }
        return v;
    }

    /// <summary>
    /// Parses <c>min:max:points</c> (invariant culture). Throws <see cref="FormatException"/> naming the
    /// problem: not three fields, a field that is not a number, a non-finite bound, max ≤ min, points &lt; 2.
    /// </summary>
    public static GridAxis Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length != 3)
        {
            throw new FormatException($"grid axis '{text}': expected min:max:points (e.g. -1:1:51), got {parts.Length} field(s)");
        }
        double min = Number(text, parts[0], "min");
        double max = Number(text, parts[1], "max");
        if (!int.TryParse(parts[2].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int points))
        {
            throw new FormatException($"grid axis '{text}': points '{parts[2]}' is not an integer");
        }
        string? problem = Problem(min, max, points);
        if (problem is not null)
        {
            throw new FormatException($"grid axis '{text}': {problem}");
        }
        return new GridAxis(min, max, points);
    }

    /// <summary><c>min:max:points</c>, round-trippable through <see cref="Parse"/>.</summary>
    public override string ToString() => $"{Format(Min)}:{Format(Max)}:{Points.ToString(CultureInfo.InvariantCulture)}";

    private static double Number(string text, string field, string name)
    {
        if (!double.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            throw new FormatException($"grid axis '{text}': {name} '{field}' is not a number");
        }
        return v;
    }

    private static int Check(double min, double max, int points)
    {
        string? problem = Problem(min, max, points);
        return problem is null ? points : throw new ArgumentException($"grid axis {Format(min)}:{Format(max)}:{points}: {problem}");
    }

    private static string? Problem(double min, double max, int points)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            return "min and max must be finite";
        }
        if (!(max > min))
        {
            return $"max ({Format(max)}) must be greater than min ({Format(min)})";
        }
        if (points < 2)
        {
            return $"points ({points}) must be at least 2";
        }
        return null;
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
