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
}
