namespace Gradscope.Lab.Report;

/// <summary>
/// The plottable part of a series: finite points only. A diverged run records NaN/±Inf (and sometimes
/// astronomically large but finite values just before); those cannot be drawn, so they are dropped and the
/// abscissa of the first one is kept to mark where the run left the finite world.
/// </summary>
internal sealed record Curve(double[] X, double[] Y, double? FirstNonFiniteX)
{
    /// <summary>
    /// Beyond this magnitude a value is treated like a non-finite one: axis arithmetic on spans near
    /// double.MaxValue overflows, and such a value means the run has blown up anyway.
    /// </summary>
    public const double Overflow = 1e100;

    public int Count => X.Length;

    public static Curve From(MetricSeries series, XAxisKind axis) => From(series.X(axis), series.Values);

    public static Curve From(double[] xs, double[] ys)
    {
        var outX = new List<double>(xs.Length);
        var outY = new List<double>(ys.Length);
        double? firstBad = null;
        for (int i = 0; i < xs.Length; i++)
        {
            bool badY = !double.IsFinite(ys[i]) || Math.Abs(ys[i]) > Overflow;
            if (!double.IsFinite(xs[i]))
            {
                continue; // no place on the axis: nothing to draw and nothing to mark
            }

            if (badY)
            {
                firstBad = firstBad is { } f ? Math.Min(f, xs[i]) : xs[i];
                continue;
            }

            outX.Add(xs[i]);
            outY.Add(ys[i]);
        }

        return new Curve([.. outX], [.. outY], firstBad);
    }
}
