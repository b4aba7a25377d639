using ScottPlot;
using ScottPlot.TickGenerators;

namespace Gradscope.Lab.Report;

/// <summary>Draws a <see cref="ChartSpec"/> with ScottPlot 5: lines, log axis, divergence marker, legend, fonts.</summary>
internal static class ChartRenderer
{
    private const float TitleSize = 18f;
    private const float AxisLabelSize = 15f;
    private const float TickLabelSize = 13f;
    private const float LegendSize = 13f;
    private const float LegendSymbolWidth = 34f;

    /// <summary>
    /// Legend of the divergence marker, kept short so the legend does not squeeze the data area; the page's
    /// banner adds that values beyond <see cref="Curve.Overflow"/> count as well.
    /// </summary>
    public const string DivergenceLegend = "diverged (NaN/Inf)";

    public static Plot Render(ChartSpec spec)
    {
        var plot = new Plot();
        bool logY = spec.UsesLogY;

        foreach (ChartLine line in spec.Lines)
        {
            if (line.Curve.Count == 0)
            {
                continue;
            }

            Curve curve = Decimation.MinMax(line.Curve, buckets: spec.Width);
            double[] ys = logY ? Array.ConvertAll(curve.Y, Math.Log10) : curve.Y;
            var scatter = plot.Add.ScatterLine(curve.X, ys, line.Color.WithOpacity(line.Opacity));
            scatter.LineWidth = line.Width;
            scatter.LinePattern = line.Dashed ? LinePattern.Dashed : LinePattern.Solid;
            // A single record would be an invisible zero-length line: show it as a dot.
            scatter.MarkerSize = line.Curve.Count == 1 ? 7f : 0f;
            scatter.LegendText = line.Legend ?? "";
        }

        if (spec.DivergenceX is { } divergedAt)
        {
            var marker = plot.Add.VerticalLine(divergedAt, 2f, Palette.Divergence, LinePattern.Dashed);
            marker.LegendText = DivergenceLegend;
        }

        foreach (LegendEntry entry in spec.ExtraLegend)
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = entry.Text,
                LineColor = entry.Color,
                LineWidth = entry.Width,
                LinePattern = entry.Dashed ? LinePattern.Dashed : LinePattern.Solid,
            });
        }

        plot.Title(spec.Title, TitleSize);
        plot.XLabel(spec.XLabel, AxisLabelSize);
        plot.YLabel(logY ? spec.YLabel + " (log scale)" : spec.YLabel, AxisLabelSize);
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickLabelSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickLabelSize;
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { LabelFormatter = AxisScale.LinearLabel };
        if (logY)
        {
            UseLogTicks(plot);
        }
        else
        {
            plot.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = AxisScale.LinearLabel };
        }

        bool anyLegend = spec.Lines.Any(l => l.Legend is not null && l.Curve.Count > 0)
            || spec.ExtraLegend.Count > 0 || spec.DivergenceX is not null;
        if (anyLegend)
        {
            plot.ShowLegend(Edge.Right);
            plot.Legend.FontSize = LegendSize;
            plot.Legend.SymbolWidth = LegendSymbolWidth; // long enough to show a dashed swatch as dashed
        }

        PlotFonts.Apply(plot);
        return plot;
    }

    // ScottPlot 5 has no log axis: data are plotted as log10(y) and the ticks relabelled 10^k, with the
    // 2..9 multiples as minor ticks (the recipe of ScottPlot's own cookbook).
    private static void UseLogTicks(Plot plot)
    {
        var ticks = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = AxisScale.PowerOfTenLabel,
        };
        plot.Axes.Left.TickGenerator = ticks;
        plot.Grid.MajorLineColor = Colors.Black.WithOpacity(0.15);
        plot.Grid.MinorLineColor = Colors.Black.WithOpacity(0.05);
        plot.Grid.MinorLineWidth = 1;
    }
}
