namespace Gradscope.Lab.Report;

/// <summary>
/// Thins a long curve before drawing. A run that logs every step has tens of thousands of points per metric,
/// far more than a 900-pixel plot can show; drawing them all only bloats the SVG (megabytes) and the render.
/// Min/max decimation keeps, for each run of consecutive points, the first, the lowest, the highest and the
/// last, so spikes and the envelope survive exactly (the standard trick of plotting libraries for large series).
/// </summary>
internal static class Decimation
{
    /// <summary>Points per curve above which decimation starts (a few per pixel column of the widest figure).</summary>
    public const int Threshold = 4 * ChartSpec.DefaultWidth;

    public static Curve MinMax(Curve curve, int buckets)
    {
        int n = curve.Count;
        if (n <= Threshold || buckets <= 0 || n <= 4 * buckets)
        {
            return curve;
        }

        var xs = new List<double>(4 * buckets);
        var ys = new List<double>(4 * buckets);
        var keep = new SortedSet<int>();
        for (int b = 0; b < buckets; b++)
        {
            int from = (int)((long)b * n / buckets), to = (int)((long)(b + 1) * n / buckets);
            if (to <= from)
            {
                continue;
            }

            int lo = from, hi = from;
            for (int i = from + 1; i < to; i++)
            {
                if (curve.Y[i] < curve.Y[lo])
                {
                    lo = i;
                }

                if (curve.Y[i] > curve.Y[hi])
                {
                    hi = i;
                }
            }

            keep.Clear();
            keep.Add(from);
            keep.Add(lo);
            keep.Add(hi);
            keep.Add(to - 1);
            foreach (int i in keep)
            {
                xs.Add(curve.X[i]);
                ys.Add(curve.Y[i]);
            }
        }

        return new Curve([.. xs], [.. ys], curve.FirstNonFiniteX);
    }
}
