using ScottPlot;

namespace Gradscope.Lab.Report;

/// <summary>One line of a chart: finite points, colour and style. <see cref="Legend"/> null = not in the legend.</summary>
internal sealed record ChartLine(string? Legend, Curve Curve, Color Color, float Width = 2f, bool Dashed = false, double Opacity = 1.0);

/// <summary>A legend row that belongs to no single line (e.g. "dashed: closed-form theory").</summary>
internal sealed record LegendEntry(string Text, Color Color, float Width, bool Dashed);

/// <summary>
/// What a figure shows, as plain data: built by the per-family plot classes, drawn by <see cref="ChartRenderer"/>.
/// Keeping the description separate from ScottPlot makes the choices (which lines, which colours, dashed or
/// not, log or linear) testable without looking at pixels.
/// </summary>
internal sealed class ChartSpec
{
    public const int DefaultWidth = 900;
    public const int DefaultHeight = 550;
    public const int SmallWidth = 640;
    public const int SmallHeight = 400;

    public required string Key { get; init; }

    public required string Title { get; init; }

    public required string XLabel { get; init; }

    public required string YLabel { get; init; }

    /// <summary>One sentence under the figure on the HTML page.</summary>
    public string? Caption { get; init; }

    public List<ChartLine> Lines { get; } = [];

    public List<LegendEntry> ExtraLegend { get; } = [];

    /// <summary>Log-scale y is used only if allowed and the data are positive and span more than two decades.</summary>
    public bool AllowLogY { get; init; } = true;

    public int Width { get; init; } = DefaultWidth;

    public int Height { get; init; } = DefaultHeight;

    public bool HasData => Lines.Any(l => l.Curve.Count > 0);

    /// <summary>Earliest abscissa at which any line's metric stopped being finite, if any did.</summary>
    public double? DivergenceX
    {
        get
        {
            double? first = null;
            foreach (ChartLine line in Lines)
            {
                if (line.Curve.FirstNonFiniteX is { } x)
                {
                    first = first is { } f ? Math.Min(f, x) : x;
                }
            }

            return first;
        }
    }

    /// <summary>Whether the y axis will be logarithmic (see <see cref="AxisScale.ShouldUseLog"/>).</summary>
    public bool UsesLogY => AllowLogY && AxisScale.ShouldUseLog(Lines.Select(l => l.Curve.Y));
}
