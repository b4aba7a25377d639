using System.Globalization;

namespace Gradscope.Lab.Report;

/// <summary>Log-scale decision and tick labels for the y axis.</summary>
internal static class AxisScale
{
    /// <summary>Span (max/min) beyond which a positive quantity is drawn on a log axis: more than two decades.</summary>
    public const double LogSpanThreshold = 100.0;

    /// <summary>
    /// Losses and norms decay over many decades; on a linear axis everything after the first drop is a flat line.
    /// Log scale only when every point is positive (log of 0 or a negative value has no place on the axis).
    /// </summary>
    public static bool ShouldUseLog(IEnumerable<double[]> ys)
    {
        double lo = double.PositiveInfinity, hi = 0;
        bool any = false;
        foreach (double[] y in ys)
        {
            foreach (double v in y)
            {
                if (!(v > 0))
                {
                    return false;
                }

                any = true;
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
        }

        return any && hi / lo > LogSpanThreshold;
    }

    /// <summary>
    /// Label of a tick on a linear axis: scientific for tiny or huge magnitudes, where ScottPlot's default
    /// rounds distinct ticks to the same text (an agreement metric of 1e-10 labelled 0, 0, 1E-10, 1E-10...).
    /// </summary>
    public static string LinearLabel(double value)
    {
        double abs = Math.Abs(value);
        if (abs == 0)
        {
            return "0";
        }

        return abs < 1e-3 || abs >= 1e6
            ? value.ToString("0.###e-0", CultureInfo.InvariantCulture)
            : ScottPlot.TickGenerators.LabelFormatters.Numeric(value);
    }

    /// <summary>Label of the tick at log10 value <paramref name="exponent"/>: plain numbers near 1, else 1e-5 style.</summary>
    public static string PowerOfTenLabel(double exponent)
    {
        int e = (int)Math.Round(exponent);
        if (Math.Abs(exponent - e) > 1e-9)
        {
            return Math.Pow(10, exponent).ToString("G3", CultureInfo.InvariantCulture);
        }

        return e switch
        {
            >= -3 and <= 3 => Math.Pow(10, e).ToString("0.###", CultureInfo.InvariantCulture),
            _ => "1e" + e.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// Ticks of a log10 range [<paramref name="lo"/>, <paramref name="hi"/>]: the decades, with 2× and 5× between them when
    /// fewer than four decades are spanned, and 1..9× when less than one; labels 0.01, 1e-5 style.
    /// </summary>
    internal static IReadOnlyList<(double Position, string Label)> LogTicks(double lo, double hi)
    {
        double decades = hi - lo;
        int every = Math.Max(1, (int)Math.Ceiling(decades / 7));
        double[] within = decades < 1 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : decades < 4 ? [1, 2, 5] : [1];
        var ticks = new List<(double, string)>();
        for (int k = (int)Math.Floor(lo); k <= (int)Math.Ceiling(hi); k++)
        {
            if (k % every != 0)
            {
                continue;
            }

            foreach (double f in within)
            {
                double at = k + Math.Log10(f);
                if (at >= lo - 1e-9 && at <= hi + 1e-9)
                {
                    ticks.Add((at, AxisScale.PowerOfTenLabel(at)));
                }
            }
        }

        return ticks;
    }

    /// <summary>
    /// Colourbar ticks over [<paramref name="lo"/>, <paramref name="hi"/>] in colour units (log10 when <paramref name="log"/>):
    /// 5–8 at 1-2-5 steps. ScottPlot's automatic ticks on a colourbar follow the font's size and came out every
    /// 0.2 decade, a column of numbers. Shared by the landscape surfaces and the sweep heatmaps.
    /// </summary>
    internal static IReadOnlyList<(double Position, string Label)> ColourTicks(double lo, double hi, bool log)
    {
        if (log)
        {
            return LogTicks(lo, hi);
        }

        var ticks = new List<(double, string)>();
        double raw = (hi - lo) / 6;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(f => f * magnitude).First(s => s >= raw * (1 - 1e-9));
        for (double t = Math.Ceiling(lo / step) * step; t <= hi + (step * 1e-9); t += step)
        {
            double rounded = Math.Round(t / step) * step; // no 0.30000000000000004
            ticks.Add((rounded, AxisScale.LinearLabel(rounded)));
        }

        return ticks;
    }
}
