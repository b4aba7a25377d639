using System.Globalization;
using System.Text;
using Gradscope.Lab.Sweeps;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Gradscope.Lab.Report;

/// <summary>
/// A summary against one swept axis: x = the axis (log when its values are log-spaced), y = the mean over seeds with a
/// translucent ± 1 std band, one line per value of the other swept axis when there is exactly one (else everything else
/// is averaged into one line). Diverged trials never enter a mean; a point where every trial of a line diverged gets a ×
/// in the line's colour along the top edge.
/// </summary>
internal static class SweepLines
{
    public const int Width = ChartSpec.DefaultWidth;
    public const int Height = ChartSpec.DefaultHeight;

    /// <summary>Opacity of the seed band.</summary>
    public const double BandOpacity = 0.2;

    /// <summary>Past this many lines the colours come from Viridis (ordered) instead of the ten-colour cycle.</summary>
    public const int MaxCycleColours = 10;

    /// <summary>At most this many lines (values of the other axis); past it everything is averaged into one.</summary>
    public const int MaxLines = 12;

    public const string DivergedLegend = "× (top): every trial there diverged";

    public const string EdgeLegend = "red ring: some trials diverged (left out)";

    /// <summary>Horizontal offset between the top-edge × of successive lines, as a fraction of the x range.</summary>
    private const double Stagger = 0.018;

    private const float TitleSize = 18f;
    private const float AxisLabelSize = 15f;
    private const float TickLabelSize = 13f;
    private const float LegendSize = 13f;

    /// <summary>One line: its legend, colour and a statistic per value of x (null where it has no trial).</summary>
    internal sealed record Series(string? Legend, Color Color, CellStats?[] Points);

    internal sealed record Figure(string Key, string Title, string Caption, Plot Plot, SweptAxis? Group, IReadOnlyList<Series> Series,
        bool LogY, bool Bands, bool Connected);

    /// <summary>
    /// The axis lines are split by: the one other non-seed axis with two or more values, if there is exactly one and it
    /// has at most <see cref="MaxLines"/> values (more would be a legend taller than the plot).
    /// </summary>
    public static SweptAxis? GroupAxis(SweptAxis x, IReadOnlyList<SweptAxis> axes)
    {
        var others = axes.Where(a => a.Varies && !a.IsSeed && a.Path != x.Path).ToList();
        return others.Count == 1 && others[0].Texts.Count <= MaxLines ? others[0] : null;
    }

    /// <summary>The lines of <paramref name="summary"/> over <paramref name="x"/>: one per value of the group axis, or one in all.</summary>
    public static IReadOnlyList<Series> BuildSeries(SummaryTable table, string summary, SweptAxis x, SweptAxis? group, bool logValues)
    {
        int n = x.Texts.Count;
        if (group is null)
        {
            var cells = SweepAxes.Cells(table.Rows, summary, [x], logValues);
            return [new Series(null, Palette.At(0), [.. Enumerable.Range(0, n).Select(i => cells.GetValueOrDefault(new CellKey(i)))])];
        }

        var byPair = SweepAxes.Cells(table.Rows, summary, [x, group], logValues);
        int g = group.Texts.Count;
        var series = new List<Series>(g);
        for (int k = 0; k < g; k++)
        {
            Color colour = g <= MaxCycleColours ? Palette.At(k) : new ScottPlot.Colormaps.Viridis().GetColor(0.9 * k / (g - 1));
            series.Add(new Series($"{group.Path} = {group.Label(k)}", colour, [.. Enumerable.Range(0, n).Select(i => byPair.GetValueOrDefault(new CellKey(i, k)))]));
        }

        return series;
    }

    public static Figure Build(SummaryTable table, string summary, SweptAxis x, IReadOnlyList<SweptAxis> axes, bool logValues, string key)
    {
        var others = axes.Where(a => a.Varies && !a.IsSeed && a.Path != x.Path).ToList();
        // A random search samples each value once: its points are scattered, and a line through them would be noise.
        bool connected = others.Count == 0 || SweepAxes.GridFill(table.Rows, [x, .. others]) >= SweepHeatmap.MinGridFill;
        SweptAxis? group = connected ? GroupAxis(x, axes) : null;
        IReadOnlyList<Series> series = BuildSeries(table, summary, x, group, logValues);
        bool bands = connected && series.Any(s => s.Points.Any(p => p is { Used: > 1 }));

        double Y(double v) => logValues ? Math.Log10(v) : v;
        var plot = new Plot();
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach (Series s in series)
        {
            foreach (CellStats? p in s.Points)
            {
                if (p is { Used: > 0 } && double.IsFinite(p.Mean))
                {
                    foreach (double v in bands ? new[] { p.Lo, p.Mean, p.Hi } : [p.Mean])
                    {
                        if (double.IsFinite(Y(v)))
                        {
                            yMin = Math.Min(yMin, Y(v));
                            yMax = Math.Max(yMax, Y(v));
                        }
                    }
                }
            }
        }

        bool any = yMin <= yMax;
        if (!any)
        {
            (yMin, yMax) = (0, 1);
        }
        else if (!(yMax > yMin))
        {
            double pad = Math.Max(Math.Abs(yMin) * 0.05, 1e-12);
            (yMin, yMax) = (yMin - pad, yMax + pad);
        }

        bool anyAllDiverged = series.Any(s => s.Points.Any(p => p is { AllDiverged: true }));
        double range = yMax - yMin;
        double top = yMax + (range * (anyAllDiverged ? 0.16 : 0.06));
        double bottom = yMin - (range * 0.06);
        double eksRow = yMax + (range * 0.1);

        int lineIndex = 0;
        bool anyEdge = false;
        foreach (Series s in series)
        {
            DrawSeries(plot, x, s, connected, bands, Y);
            for (int i = 0; i < s.Points.Length; i++)
            {
                if (s.Points[i] is { Used: > 0, Diverged: > 0 } p && double.IsFinite(Y(p.Mean)))
                {
                    var ring = plot.Add.Marker(x.Coordinate(i), Y(p.Mean), MarkerShape.OpenCircle, 15f, Palette.Divergence);
                    ring.MarkerLineWidth = 2f;
                    anyEdge = true;
                }
            }

            for (int i = 0; i < s.Points.Length; i++)
            {
                if (s.Points[i] is { AllDiverged: true })
                {
                    // staggered a little per line so two lines diverging at the same x stay two marks
                    double dx = series.Count > 1 ? (lineIndex - ((series.Count - 1) / 2.0)) * Stagger * XSpan(x) : 0;
                    var eks = plot.Add.Marker(x.Coordinate(i) + dx, eksRow, MarkerShape.Eks, 11f, s.Color);
                    eks.MarkerLineWidth = 2.5f;
                }
            }

            lineIndex++;
        }

        if (anyAllDiverged)
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = DivergedLegend,
                MarkerShape = MarkerShape.Eks,
                MarkerSize = 11,
                MarkerLineColor = Palette.Theory,
                MarkerLineWidth = 2.5f,
            });
        }

        if (anyEdge)
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = EdgeLegend,
                MarkerShape = MarkerShape.OpenCircle,
                MarkerSize = 13,
                MarkerLineColor = Palette.Divergence,
                MarkerLineWidth = 2f,
            });
        }

        if (bands)
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = (logValues ? "band: ×/÷ 1 geometric std" : "band: ± 1 std") + (group is null && others.Count > 0 ? " over the averaged trials" : " over seeds"),
                FillColor = Palette.Theory.WithOpacity(BandOpacity),
            });
        }

        string title = $"{summary} vs {x.Path}";
        plot.Title(title, TitleSize);
        plot.XLabel(x.Path + (x.Log ? " (log scale)" : ""), AxisLabelSize);
        plot.YLabel(summary + (logValues ? " (log scale)" : ""), AxisLabelSize);
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickLabelSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickLabelSize;
        plot.Axes.Bottom.TickGenerator = XTicks(x);
        if (logValues)
        {
            var ticks = AxisScale.LogTicks(bottom, top);
            plot.Axes.Left.TickGenerator = ticks.Count >= 2
                ? new NumericManual([.. ticks.Select(t => t.Position)], [.. ticks.Select(t => t.Label)])
                : new NumericAutomatic { LabelFormatter = v => AxisScale.PowerOfTenLabel(v) };
        }
        else
        {
            plot.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = AxisScale.LinearLabel, TickDensity = 0.6 };
        }

        double x0 = x.Coordinate(0), x1 = x.Coordinate(x.Values.Length - 1);
        double xPad = Math.Max(0.04, (Stagger * (series.Count - 1) / 2) + 0.025) * XSpan(x);
        plot.Axes.SetLimits(x0 - xPad, x1 + xPad, bottom, top);

        if (series.Any(s => s.Legend is not null) || anyAllDiverged || anyEdge || bands)
        {
            // below the plot: a legend on the right took a third of the width from the data
            plot.ShowLegend(Edge.Bottom);
            plot.Legend.Orientation = Orientation.Horizontal;
            plot.Legend.FontSize = LegendSize;
        }

        PlotFonts.Apply(plot);
        string caption = Caption(summary, x, group, others, axes, series, logValues, bands, connected, any);
        return new Figure(key, title, caption, plot, group, series, logValues, bands, connected);
    }

    private static double XSpan(SweptAxis x)
    {
        double span = x.Coordinate(x.Values.Length - 1) - x.Coordinate(0);
        return span > 0 ? span : 1;
    }

    /// <summary>The band, then the line (split where a point has no value, so a gap is not bridged), then its markers.</summary>
    private static void DrawSeries(Plot plot, SweptAxis x, Series s, bool connected, bool bands, Func<double, double> y)
    {
        bool first = true;
        var run = new List<int>();
        void Flush()
        {
            if (run.Count == 0)
            {
                return;
            }

            double[] xs = [.. run.Select(x.Coordinate)];
            double[] means = [.. run.Select(i => y(s.Points[i]!.Mean))];
            if (bands && run.Count > 1)
            {
                double[] lo = [.. run.Select(i => y(s.Points[i]!.Lo))], hi = [.. run.Select(i => y(s.Points[i]!.Hi))];
                var fill = plot.Add.FillY(xs, lo, hi);
                fill.FillColor = s.Color.WithOpacity(BandOpacity);
                fill.LineWidth = 0;
                fill.MarkerSize = 0;
            }
            else if (bands)
            {
                // a lone point: its spread as an error bar
                int i = run[0];
                var bar = plot.Add.Line(xs[0], y(s.Points[i]!.Lo), xs[0], y(s.Points[i]!.Hi));
                bar.LineColor = s.Color.WithOpacity(0.5);
                bar.LineWidth = 6f;
            }

            var line = plot.Add.Scatter(xs, means, s.Color);
            line.LineWidth = connected ? 2.2f : 0f;
            line.MarkerSize = connected ? 7f : 9f;
            line.MarkerShape = MarkerShape.FilledCircle;
            line.LegendText = first ? s.Legend ?? "" : "";
            first = false;
            run.Clear();
        }

        for (int i = 0; i < s.Points.Length; i++)
        {
            if (s.Points[i] is { Used: > 0 } p && double.IsFinite(y(p.Mean)) && double.IsFinite(y(p.Lo)) && double.IsFinite(y(p.Hi)))
            {
                run.Add(i);
            }
            else if (connected)
            {
                Flush();
            }
        }

        Flush();
    }

    /// <summary>A tick at each swept value (labelled as written) when there are few; else decades (log) or automatic.</summary>
    private static ITickGenerator XTicks(SweptAxis x)
    {
        if (x.Texts.Count <= SweepHeatmap.MaxTickLabels)
        {
            var ticks = new NumericManual();
            for (int i = 0; i < x.Texts.Count; i++)
            {
                ticks.AddMajor(x.Coordinate(i), x.Label(i));
            }

            return ticks;
        }

        return SweepHeatmap.ContinuousTicks(x);
    }

    private static string Caption(string summary, SweptAxis x, SweptAxis? group, List<SweptAxis> others, IReadOnlyList<SweptAxis> axes,
        IReadOnlyList<Series> series, bool logValues, bool bands, bool connected, bool any)
    {
        var s = new StringBuilder();
        string mean = logValues ? "geometric mean" : "mean";
        SweptAxis? seed = axes.FirstOrDefault(a => a.IsSeed && a.Varies);
        s.Append(CultureInfo.InvariantCulture, $"{summary} against {x.Path}");
        if (group is not null)
        {
            s.Append(CultureInfo.InvariantCulture, $", one line per value of {group.Path}");
        }
        else if (others.Count > 0 && connected)
        {
            s.Append(CultureInfo.InvariantCulture, $", averaged over {string.Join(" and ", others.Select(o => o.Path))}");
        }

        if (!any)
        {
            s.Append(": no completed trial has a value.");
        }
        else
        {
            var over = new List<string>();
            if (seed is not null)
            {
                over.Add($"{seed.Texts.Count} seeds");
            }

            if (group is null && others.Count > 0 && connected)
            {
                over.Add("the other axes");
            }

            s.Append(over.Count > 0 ? $"; points: the {mean} over {string.Join(" and ", over)}" : "; one trial per point");
            if (bands)
            {
                s.Append(logValues ? " (band: ×/÷ one geometric standard deviation)" : " (band: ± one standard deviation)");
            }

            s.Append(logValues ? "; log y (the values span more than two decades)" : "");
            if (!connected)
            {
                s.Append("; the values are samples of a random search, drawn as dots");
            }

            s.Append('.');
        }

        int diverged = series.Sum(l => l.Points.Sum(p => p?.Diverged ?? 0));
        int total = series.Sum(l => l.Points.Sum(p => p?.Total ?? 0));
        if (diverged > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $" {diverged} of {total} trials diverged and are left out of the means");
            if (series.Any(l => l.Points.Any(p => p is { Used: > 0, Diverged: > 0 })))
            {
                s.Append("; red ring: some trials at that point diverged");
            }

            s.Append(series.Any(l => l.Points.Any(p => p is { AllDiverged: true })) ? "; × along the top: every trial at that point diverged." : ".");
        }

        int failed = series.Sum(l => l.Points.Sum(p => p?.Failed ?? 0));
        int unfinished = series.Sum(l => l.Points.Sum(p => p?.Unfinished ?? 0));
        int missing = series.Sum(l => l.Points.Sum(p => p?.Missing ?? 0));
        if (failed + unfinished + missing > 0)
        {
            var parts = new List<string>();
            if (failed > 0)
            {
                parts.Add($"{failed} failed");
            }

            if (unfinished > 0)
            {
                parts.Add($"{unfinished} queued or running");
            }

            if (missing > 0)
            {
                parts.Add($"{missing} completed with NaN for this summary");
            }

            s.Append(CultureInfo.InvariantCulture, $" Not plotted: {string.Join(", ", parts)}.");
        }

        if (x.Log)
        {
            s.Append(CultureInfo.InvariantCulture, $" {x.Path} is log-spaced: log x.");
        }

        return s.ToString();
    }
}
