using System.Globalization;
using System.Text;
using Gradscope.Lab.Sweeps;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Gradscope.Lab.Report;

/// <summary>
/// The phase diagram of a sweep over two axes: one cell per pair of values, coloured (Viridis) by the summary's mean
/// over seeds, with diverged trials marked by a red × so converged, edge and diverged regions read at a glance.
/// Cells sit at their values on each axis (log10 of them on a log axis), their edges half-way to the neighbours, and are
/// drawn as rectangles, so the SVG stays sharp. A random search (values that do not fill a grid) is drawn as coloured
/// dots at the sampled points instead.
/// </summary>
internal static class SweepHeatmap
{
    public const int Width = 820;
    public const int Height = 720;

    /// <summary>Cells carry their value as text when both axes have at most this many values.</summary>
    public const int MaxAnnotated = 10;

    /// <summary>Past this many values on an axis, or below half the grid filled, the sweep is drawn as dots, not cells.</summary>
    public const int MaxGridValues = 40;

    public const double MinGridFill = 0.5;

    /// <summary>A cell narrower than this fraction of the widest cell would vanish: the axis is then laid out by rank.</summary>
    public const double MinCellWidthRatio = 0.25;

    /// <summary>At most this many labelled ticks on an axis; every k-th value is labelled past it.</summary>
    public const int MaxTickLabels = 12;

    /// <summary>The data area's approximate size in pixels (figure less axes, colourbar and legend), for marker sizes.</summary>
    private const double DataWidthPx = Width - 170, DataHeightPx = Height - 160;

    public static readonly Color DivergedFill = Color.FromHex("#e4e4e4");
    public static readonly Color MissingFill = Color.FromHex("#f3f3f3"); // the hatch is lost in SVG: still a visible cell there
    public static readonly Color MissingHatch = Color.FromHex("#cfcfcf");
    public static readonly Color CellLine = Colors.White;

    public const string DivergedLegend = "diverged (every trial in the cell)";
    public const string EdgeLegend = "some trials diverged (mean of the rest)";
    public const string MissingLegend = "no value (NaN, failed or unfinished)";

    private const float TitleSize = 18f;
    private const float AxisLabelSize = 15f;
    private const float TickLabelSize = 13f;
    private const float LegendSize = 12f;
    private const float AnnotationSize = 13f;

    /// <summary>Centres and edges of the cells along one axis, in plot units; <see cref="ToScale"/> false when laid out by rank.</summary>
    internal sealed record CellLayout(double[] Centres, double[] Edges, bool ToScale)
    {
        public double Width(int i) => Edges[i + 1] - Edges[i];
    }

    /// <summary>The drawn figure and the choices made, for tests and the page.</summary>
    internal sealed record Figure(string Key, string Title, string Caption, Plot Plot, bool Grid, bool LogColour,
        CellLayout X, CellLayout Y, IReadOnlyDictionary<CellKey, CellStats> Cells);

    /// <summary>
    /// Cell layout of an axis: centres at <see cref="SweptAxis.Coordinate"/>, edges half-way between neighbours (the end
    /// cells as wide as their neighbour's half gap on the inside). Evenly spaced values (in log10 on a log axis) give equal
    /// cells. When a cell would be narrower than <see cref="MinCellWidthRatio"/> of the widest (0.001, 0.002, 0.5, 1 on a
    /// linear axis) the cells are laid out by rank instead — equal widths, values as tick labels, axis not to scale.
    /// </summary>
    public static CellLayout Layout(SweptAxis axis) => Layout([.. Enumerable.Range(0, axis.Values.Length).Select(axis.Coordinate)]);

    internal static CellLayout Layout(double[] coordinates)
    {
        int n = coordinates.Length;
        if (n == 0)
        {
            return new CellLayout([], [0, 1], true);
        }

        if (n == 1)
        {
            return new CellLayout([coordinates[0]], [coordinates[0] - 0.5, coordinates[0] + 0.5], true);
        }

        var edges = new double[n + 1];
        for (int i = 1; i < n; i++)
        {
            edges[i] = (coordinates[i - 1] + coordinates[i]) / 2;
        }

        edges[0] = coordinates[0] - (edges[1] - coordinates[0]);
        edges[n] = coordinates[n - 1] + (coordinates[n - 1] - edges[n - 1]);
        double min = double.PositiveInfinity, max = 0;
        for (int i = 0; i < n; i++)
        {
            double w = edges[i + 1] - edges[i];
            min = Math.Min(min, w);
            max = Math.Max(max, w);
        }

        if (!(min > 0) || min < MinCellWidthRatio * max)
        {
            return new CellLayout([.. Enumerable.Range(0, n).Select(i => (double)i)], [.. Enumerable.Range(0, n + 1).Select(i => i - 0.5)], false);
        }

        return new CellLayout([.. coordinates], edges, true);
    }

    /// <summary>A grid sweep fills its cells (queued trials included); a random search fills about one per row.</summary>
    public static bool IsGrid(SweptAxis x, SweptAxis y, double fill) =>
        x.Texts.Count <= MaxGridValues && y.Texts.Count <= MaxGridValues && fill >= MinGridFill;

    /// <summary>
    /// The heatmap of <paramref name="summary"/> over <paramref name="x"/> × <paramref name="y"/>, averaged over every other
    /// axis (<paramref name="averaged"/>: the seeds and any further swept axes, named in the caption).
    /// </summary>
    public static Figure Build(SummaryTable table, string summary, SweptAxis x, SweptAxis y, IReadOnlyList<SweptAxis> averaged, bool logValues, string key)
    {
        Dictionary<CellKey, CellStats> cells = SweepAxes.Cells(table.Rows, summary, [x, y], logValues);
        bool grid = IsGrid(x, y, SweepAxes.GridFill(table.Rows, [x, y]));
        CellLayout lx = Layout(x), ly = Layout(y);

        double Z(double v) => logValues ? Math.Log10(v) : v;
        double[] zs = [.. cells.Values.Where(c => c.Used > 0 && double.IsFinite(c.Mean)).Select(c => Z(c.Mean)).Where(double.IsFinite)];
        double lo = zs.Length > 0 ? zs.Min() : 0, hi = zs.Length > 0 ? zs.Max() : 1;
        if (!(hi > lo))
        {
            double pad = Math.Max(Math.Abs(lo) * 0.05, 1e-12);
            (lo, hi) = (lo - pad, hi + pad);
        }

        var colours = new ColourAxis(new ScottPlot.Range(lo, hi));
        Color ColourOf(double mean)
        {
            double f = Math.Clamp((Z(mean) - lo) / (hi - lo), 0, 1);
            return colours.Colormap.GetColor(double.IsFinite(f) ? f : 0);
        }

        var plot = new Plot();
        bool annotate = grid && x.Texts.Count <= MaxAnnotated && y.Texts.Count <= MaxAnnotated;
        var seen = new Seen();
        if (grid)
        {
            DrawCells(plot, x, y, lx, ly, cells, ColourOf, annotate, seen);
        }
        else
        {
            DrawDots(plot, x, y, cells, ColourOf, seen);
        }

        string label = summary + (logValues ? " (log colour scale)" : "");
        if (zs.Length > 0)
        {
            var bar = plot.Add.ColorBar(colours, Edge.Right);
            bar.Label = label;
            bar.LabelStyle.FontSize = AxisLabelSize;
            bar.Axis.TickLabelStyle.FontSize = TickLabelSize;
            var ticks = AxisScale.ColourTicks(lo, hi, logValues);
            bar.Axis.TickGenerator = new NumericManual([.. ticks.Select(t => t.Position)], [.. ticks.Select(t => t.Label)]);
            if (PlotFonts.Family is { } family)
            {
                // Plot.Font.Set does not reach the colourbar panel.
                bar.LabelStyle.FontName = family;
                bar.Axis.TickLabelStyle.FontName = family;
            }
        }

        AddLegend(plot, seen);
        string title = $"{summary}: {x.Path} × {y.Path}";
        plot.Title(title, TitleSize);
        plot.XLabel(AxisTitle(x, grid ? lx : null), AxisLabelSize);
        plot.YLabel(AxisTitle(y, grid ? ly : null), AxisLabelSize);
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickLabelSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickLabelSize;
        plot.Axes.Bottom.TickGenerator = grid ? CellTicks(x, lx) : ContinuousTicks(x);
        plot.Axes.Left.TickGenerator = grid ? CellTicks(y, ly) : ContinuousTicks(y);
        plot.Grid.IsVisible = !grid; // grid lines over cells read as cell borders in the wrong place

        if (grid)
        {
            plot.Axes.SetLimits(lx.Edges[0], lx.Edges[^1], ly.Edges[0], ly.Edges[^1]);
        }
        else
        {
            (double x0, double x1) = Padded(x);
            (double y0, double y1) = Padded(y);
            plot.Axes.SetLimits(x0, x1, y0, y1);
        }

        if (seen.Any)
        {
            plot.ShowLegend(Edge.Bottom);
            plot.Legend.FontSize = LegendSize;
            plot.Legend.Orientation = Orientation.Horizontal;
        }

        PlotFonts.Apply(plot);
        string caption = Caption(summary, x, y, averaged, cells, grid, annotate, logValues, lx, ly, zs.Length > 0);
        return new Figure(key, title, caption, plot, grid, logValues, lx, ly, cells);
    }

    private sealed class Seen
    {
        public bool Diverged { get; set; }

        public bool Edge { get; set; }

        public bool Missing { get; set; }

        public bool Any => Diverged || Edge || Missing;
    }

    /// <summary>The colour source of the colourbar: Viridis over the range of the cell values (log10 of them on a log scale).</summary>
    private sealed class ColourAxis(ScottPlot.Range range) : IHasColorAxis
    {
        public IColormap Colormap { get; } = new ScottPlot.Colormaps.Viridis();

        public ScottPlot.Range GetRange() => range;
    }

    private static void DrawCells(Plot plot, SweptAxis x, SweptAxis y, CellLayout lx, CellLayout ly, Dictionary<CellKey, CellStats> cells,
        Func<double, Color> colourOf, bool annotate, Seen seen)
    {
        // Pixels per plot unit, estimated from the figure size less the axes, colourbar and legend, so a × is square
        // (a line from corner to corner would stretch with the cell) and sized to the cell.
        double pxX = DataWidthPx / (lx.Edges[^1] - lx.Edges[0]), pxY = DataHeightPx / (ly.Edges[^1] - ly.Edges[0]);
        for (int i = 0; i < x.Texts.Count; i++)
        {
            for (int j = 0; j < y.Texts.Count; j++)
            {
                double left = lx.Edges[i], right = lx.Edges[i + 1], bottom = ly.Edges[j], top = ly.Edges[j + 1];
                var rect = plot.Add.Rectangle(left, right, bottom, top);
                rect.LineColor = CellLine;
                rect.LineWidth = 1f;
                CellStats? c = cells.GetValueOrDefault(new CellKey(i, j));
                double w = right - left, h = top - bottom;
                double cellPx = Math.Min(w * pxX, h * pxY);
                if (c is { Used: > 0 } && double.IsFinite(c.Mean))
                {
                    Color fill = colourOf(c.Mean);
                    rect.FillColor = fill;
                    if (annotate)
                    {
                        Annotate(plot, (left + right) / 2, (bottom + top) / 2, SweepAxes.Short(c.Mean), fill);
                    }

                    if (c.Diverged > 0)
                    {
                        // a small × in the top-right corner: the edge of stability
                        float size = (float)Math.Clamp(0.22 * cellPx, 6, 18);
                        double inset = (size / 2) + 3;
                        Eks(plot, right - (inset / pxX), top - (inset / pxY), size, 2f);
                        if (annotate)
                        {
                            Annotate(plot, (left + right) / 2, bottom + (0.2 * h), $"{c.Diverged}/{c.Total} div.", fill, small: true);
                        }

                        seen.Edge = true;
                    }
                }
                else if (c is { AllDiverged: true })
                {
                    rect.FillColor = DivergedFill;
                    Eks(plot, (left + right) / 2, (bottom + top) / 2, (float)Math.Clamp(0.6 * cellPx, 6, 90), cellPx < 30 ? 2f : 4f);
                    seen.Diverged = true;
                }
                else
                {
                    rect.FillColor = MissingFill;
                    rect.FillHatch = new ScottPlot.Hatches.Striped();
                    rect.FillHatchColor = MissingHatch;
                    seen.Missing = true;
                }
            }
        }
    }

    private static void DrawDots(Plot plot, SweptAxis x, SweptAxis y, Dictionary<CellKey, CellStats> cells, Func<double, Color> colourOf, Seen seen)
    {
        foreach ((CellKey key, CellStats c) in cells.OrderBy(kv => kv.Key[0]).ThenBy(kv => kv.Key[1]))
        {
            double px = x.Coordinate(key[0]), py = y.Coordinate(key[1]);
            if (c is { Used: > 0 } && double.IsFinite(c.Mean))
            {
                var dot = plot.Add.Marker(px, py, MarkerShape.FilledCircle, 13f, colourOf(c.Mean));
                dot.MarkerLineColor = Colors.Black.WithOpacity(0.6);
                dot.MarkerLineWidth = 0.8f;
                if (c.Diverged > 0)
                {
                    var small = plot.Add.Marker(px, py, MarkerShape.Eks, 8f, Palette.Divergence);
                    small.MarkerLineWidth = 2f;
                    seen.Edge = true;
                }
            }
            else if (c.AllDiverged)
            {
                var eks = plot.Add.Marker(px, py, MarkerShape.Eks, 12f, Palette.Divergence);
                eks.MarkerLineWidth = 2.5f;
                seen.Diverged = true;
            }
            else
            {
                var open = plot.Add.Marker(px, py, MarkerShape.OpenCircle, 11f, MissingHatch);
                open.MarkerLineWidth = 1.5f;
                seen.Missing = true;
            }
        }
    }

    /// <summary>A red × <paramref name="size"/> pixels wide at (<paramref name="cx"/>, <paramref name="cy"/>), on a white halo so it shows on dark cells.</summary>
    private static void Eks(Plot plot, double cx, double cy, float size, float width)
    {
        var halo = plot.Add.Marker(cx, cy, MarkerShape.Eks, size, Colors.White.WithOpacity(0.85));
        halo.MarkerLineWidth = width + 2.5f;
        var eks = plot.Add.Marker(cx, cy, MarkerShape.Eks, size, Palette.Divergence);
        eks.MarkerLineWidth = width;
    }

    private static void Annotate(Plot plot, double cx, double cy, string text, Color background, bool small = false)
    {
        var t = plot.Add.Text(text, cx, cy);
        t.LabelStyle.Alignment = Alignment.MiddleCenter;
        t.LabelStyle.FontSize = small ? AnnotationSize - 2 : AnnotationSize;
        t.LabelStyle.ForeColor = Luminance(background) > 0.45 ? Colors.Black : Colors.White;
        if (PlotFonts.Family is { } family)
        {
            t.LabelStyle.FontName = family;
        }
    }

    /// <summary>Relative luminance (sRGB weights, no gamma): white text on the dark half of Viridis, black on the bright half.</summary>
    internal static double Luminance(Color c) => ((0.2126 * c.R) + (0.7152 * c.G) + (0.0722 * c.B)) / 255.0;

    private static void AddLegend(Plot plot, Seen seen)
    {
        if (seen.Diverged)
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = DivergedLegend,
                MarkerShape = MarkerShape.Eks,
                MarkerSize = 13,
                MarkerLineColor = Palette.Divergence,
                MarkerLineWidth = 3,
            });
        }

        if (seen.Edge)
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = EdgeLegend,
                MarkerShape = MarkerShape.Eks,
                MarkerSize = 8,
                MarkerLineColor = Palette.Divergence,
                MarkerLineWidth = 2,
            });
        }

        if (seen.Missing)
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = MissingLegend,
                FillColor = MissingFill,
                FillHatch = new ScottPlot.Hatches.Striped(),
                FillHatchColor = Color.FromHex("#9a9a9a"),
                OutlineColor = Colors.Gray,
                OutlineWidth = 1,
            });
        }
    }

    private static string AxisTitle(SweptAxis axis, CellLayout? layout) =>
        axis.Path + (layout is { ToScale: false } ? " (cells by rank, not to scale)" : axis.Log ? " (log scale)" : "");

    /// <summary>A tick at every cell centre labelled with its value (every k-th past <see cref="MaxTickLabels"/>).</summary>
    private static NumericManual CellTicks(SweptAxis axis, CellLayout layout)
    {
        int every = Math.Max(1, (int)Math.Ceiling(axis.Texts.Count / (double)MaxTickLabels));
        var ticks = new NumericManual();
        for (int i = 0; i < layout.Centres.Length; i++)
        {
            if (i % every == 0)
            {
                ticks.AddMajor(layout.Centres[i], axis.Label(i));
            }
        }

        return ticks;
    }

    /// <summary>Ticks of a continuous sweep axis (the dots of a random search): decades on a log axis, 1-2-5 steps otherwise.</summary>
    internal static ITickGenerator ContinuousTicks(SweptAxis axis)
    {
        if (!axis.Log)
        {
            return new NumericAutomatic { LabelFormatter = AxisScale.LinearLabel, TickDensity = 0.6 };
        }

        var ticks = AxisScale.LogTicks(axis.Coordinate(0), axis.Coordinate(axis.Values.Length - 1));
        return new NumericManual([.. ticks.Select(t => t.Position)], [.. ticks.Select(t => t.Label)]);
    }

    private static (double, double) Padded(SweptAxis axis)
    {
        double a = axis.Coordinate(0), b = axis.Coordinate(axis.Values.Length - 1);
        double pad = b > a ? 0.05 * (b - a) : 0.5;
        return (a - pad, b + pad);
    }

    private static string Caption(string summary, SweptAxis x, SweptAxis y, IReadOnlyList<SweptAxis> averaged,
        Dictionary<CellKey, CellStats> cells, bool grid, bool annotated, bool logValues, CellLayout lx, CellLayout ly, bool anyValue)
    {
        var s = new StringBuilder();
        string mean = logValues ? "geometric mean" : "mean";
        s.Append(CultureInfo.InvariantCulture, $"{summary} over {x.Path} (x) and {y.Path} (y); colour: ");
        s.Append(anyValue ? $"the {mean} of the completed trials" : "none (no trial has a value)");
        if (averaged.Count > 0)
        {
            s.Append(" over ").Append(string.Join(" and ", averaged.Select(a => $"{a.Texts.Count} {Plural(a)}")));
            s.Append(averaged.Any(a => !a.IsSeed) ? " per cell (the other swept axes are averaged, not held fixed)" : " per cell");
        }

        if (anyValue)
        {
            s.Append(logValues ? ", on a log colour scale (the values span more than two decades)" : ", linear colour scale (Viridis)");
        }

        if (annotated)
        {
            s.Append("; numbers: the cell's value");
        }

        s.Append(". ");
        if (!grid)
        {
            s.Append("The values do not fill a grid (a random search): one dot per sampled pair. ");
        }

        int diverged = cells.Values.Count(c => c.AllDiverged);
        int edge = cells.Values.Count(c => c.Used > 0 && c.Diverged > 0);
        int trialsDiverged = cells.Values.Sum(c => c.Diverged);
        if (trialsDiverged > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"Red ×: all trials diverged ({diverged} {(grid ? "cells" : "points")}); small ×: some did ({edge}), the colour is then the {mean} of the rest; {trialsDiverged} diverged trials in all. ");
        }

        int failed = cells.Values.Sum(c => c.Failed), unfinished = cells.Values.Sum(c => c.Unfinished), missing = cells.Values.Sum(c => c.Missing);
        if (failed + unfinished + missing > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"Trials without a value: {Count(failed, "failed")}{Count(unfinished, "queued or running", failed > 0)}{Count(missing, "completed with NaN for this summary", failed + unfinished > 0)}; ");
            s.Append(grid ? "cells where no trial has a value are hatched. " : "points without any value are open grey circles. ");
        }

        var axes = new[] { (x, lx), (y, ly) };
        foreach ((SweptAxis a, CellLayout l) in axes)
        {
            if (grid && !l.ToScale)
            {
                s.Append(CultureInfo.InvariantCulture, $"{a.Path}: values unevenly spaced, cells laid out by rank. ");
            }
            else if (a.Log)
            {
                s.Append(CultureInfo.InvariantCulture, $"{a.Path}: log axis (values log-spaced). ");
            }
        }

        return s.ToString().TrimEnd();
    }

    private static string Plural(SweptAxis a) => a.IsSeed ? (a.Texts.Count == 1 ? "seed" : "seeds") : $"values of {a.Path}";

    private static string Count(int n, string what, bool comma = false) =>
        n == 0 ? "" : (comma ? ", " : "") + n.ToString(CultureInfo.InvariantCulture) + " " + what;
}
