using System.Globalization;
using ScottPlot;
using ScottPlot.Plottables;
using ScottPlot.TickGenerators;

namespace Gradscope.Lab.Report;

/// <summary>
/// The 2-D landscape figure (Li et al. 2018, Figs. 1, 5 and 9): the loss on the plane θ + αδ + βη as a heatmap
/// with contour lines, α along x and β along y, the centre (the checkpoint) marked, and optionally the projected
/// training trajectory. Colour is log-scaled when the finite values are positive and span more than two decades
/// (<see cref="AxisScale.ShouldUseLog"/>): a landscape is typically 100–1000× higher at the edges than in the
/// basin, and a linear scale would paint the whole basin one colour. Non-finite cells (diverged evaluations) are
/// masked, drawn in <see cref="MaskedColor"/>, counted in the legend and the caption, and treated as higher than
/// every contour level so the contours close around them instead of crossing them.
/// </summary>
internal static class LandscapeSurface
{
    public const int Width = 760;
    public const int Height = 680;

    /// <summary>Contour levels, evenly spaced in the colour scale strictly between the finite min and max.</summary>
    public const int ContourLevels = 12;

    public static readonly Color MaskedColor = Color.FromHex("#c8c8c8");
    public static readonly Color ContourColor = Colors.White.WithOpacity(0.75);
    public static readonly Color TrajectoryColor = Color.FromHex("#ff5a36");

    public const string CentreLegend = "checkpoint (0, 0)";
    private const float CentreSize = 14f;

    private const float TitleSize = 18f;
    private const float AxisLabelSize = 15f;
    private const float TickLabelSize = 13f;
    private const float LegendSize = 12f;

    /// <summary>The drawn figure and the choices made, for tests and the caption.</summary>
    internal sealed record Surface(Plot Plot, Heatmap? Heatmap, ContourLines? Contours, bool LogColour, int Masked, double[] Levels, string Caption);

    public static Surface Build(string title, double[] alpha, double[] beta, double[,] loss, (double[] A, double[] B)? trajectory, string xLabel, string yLabel)
    {
        Check(alpha, beta, loss, trajectory);
        int n = alpha.Length, m = beta.Length;

        var finite = new List<double>(n * m);
        foreach (double v in loss)
        {
            if (double.IsFinite(v) && Math.Abs(v) <= Curve.Overflow)
            {
                finite.Add(v);
            }
        }

        int masked = (n * m) - finite.Count;
        bool log = AxisScale.ShouldUseLog([finite.ToArray()]);
        double Z(double v) => !double.IsFinite(v) || Math.Abs(v) > Curve.Overflow ? double.NaN : log ? Math.Log10(v) : v;

        double lo = finite.Count > 0 ? finite.Min(Z) : 0, hi = finite.Count > 0 ? finite.Max(Z) : 1;
        if (!(hi > lo))
        {
            // a flat surface (or a single finite value): give the colour scale some width
            double pad = Math.Max(Math.Abs(lo) * 0.05, 1e-12);
            (lo, hi) = (lo - pad, hi + pad);
        }

        var plot = new Plot();

        // Row 0 of a ScottPlot heatmap is its top: row r holds β_{m−1−r}, column c holds α_c.
        var intensities = new double[m, n];
        for (int r = 0; r < m; r++)
        {
            for (int c = 0; c < n; c++)
            {
                intensities[r, c] = Z(loss[c, m - 1 - r]);
            }
        }

        double ha = (alpha[^1] - alpha[0]) / (n - 1), hb = (beta[^1] - beta[0]) / (m - 1);
        var extent = new CoordinateRect(alpha[0] - (ha / 2), alpha[^1] + (ha / 2), beta[0] - (hb / 2), beta[^1] + (hb / 2));
        Heatmap? heatmap = null;
        if (finite.Count > 0)
        {
            heatmap = plot.Add.Heatmap(intensities);
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            heatmap.Rectangle = extent;
            heatmap.ManualRange = new ScottPlot.Range(lo, hi);
            heatmap.NaNCellColor = MaskedColor;
            heatmap.Smooth = false;
            heatmap.Update();
        }
        else
        {
            // ScottPlot's heatmap cannot take a grid without one finite value: every cell is masked anyway.
            var all = plot.Add.Rectangle(extent.Left, extent.Right, extent.Bottom, extent.Top);
            all.FillColor = MaskedColor;
            all.LineWidth = 0;
        }

        double[] levels = Enumerable.Range(1, ContourLevels).Select(k => lo + ((hi - lo) * k / (ContourLevels + 1))).ToArray();
        ContourLines? contours = null;
        if (finite.Count >= 4 && finite.Max(Z) > finite.Min(Z))
        {
            // Diverged points count as higher than every level (the loss blew up there).
            double ceiling = hi + (hi - lo);
            var grid = new Coordinates3d[m, n];
            for (int j = 0; j < m; j++)
            {
                for (int i = 0; i < n; i++)
                {
                    double z = Z(loss[i, j]);
                    grid[j, i] = new Coordinates3d(alpha[i], beta[j], double.IsNaN(z) ? ceiling : z);
                }
            }

            contours = new ContourLines { ContourLineLevels = levels };
            contours.LineColor = ContourColor;
            contours.LineWidth = 1f;
            contours.LabelStyle.IsVisible = false; // its labels would print log10 values; the colourbar reads them
            contours.Update(grid);
            plot.Add.Plottable(contours);
        }

        if (heatmap is not null)
        {
            var bar = plot.Add.ColorBar(heatmap, Edge.Right);
            bar.Label = log ? "loss (log colour scale)" : "loss";
            bar.LabelStyle.FontSize = AxisLabelSize;
            bar.Axis.TickLabelStyle.FontSize = TickLabelSize;
            var ticks = AxisScale.ColourTicks(lo, hi, log);
            bar.Axis.TickGenerator = new NumericManual([.. ticks.Select(t => t.Position)], [.. ticks.Select(t => t.Label)]);
            if (PlotFonts.Family is { } family)
            {
                // Plot.Font.Set does not reach the colourbar panel; ScottPlot's own default may be a serif.
                bar.LabelStyle.FontName = family;
                bar.Axis.TickLabelStyle.FontName = family;
            }
        }

        if (trajectory is { } path)
        {
            AddTrajectory(plot, path.A, path.B);
        }

        // White diamond with a black outline: visible on both ends of Viridis and, as the outline, in the legend.
        plot.Add.Marker(0, 0, MarkerShape.FilledDiamond, CentreSize, Colors.White);
        var centre = plot.Add.Marker(0, 0, MarkerShape.OpenDiamond, CentreSize, Colors.Black);
        centre.MarkerLineWidth = 1.5f;
        centre.LegendText = CentreLegend;

        if (masked > 0)
        {
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = $"diverged (NaN/Inf): {masked} of {n * m}",
                MarkerShape = MarkerShape.FilledSquare,
                MarkerSize = 12,
                MarkerFillColor = MaskedColor,
                MarkerLineColor = Colors.Gray,
                MarkerLineWidth = 1,
            });
        }

        plot.Title(title, TitleSize);
        plot.XLabel(xLabel, AxisLabelSize);
        plot.YLabel(yLabel, AxisLabelSize);
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickLabelSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickLabelSize;
        // Half ScottPlot's default density: a 51-point grid over [-1, 1] got a tick every 0.1, a wall of labels.
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { LabelFormatter = AxisScale.LinearLabel, TickDensity = 0.5 };
        plot.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = AxisScale.LinearLabel, TickDensity = 0.5 };
        plot.Grid.IsVisible = false; // grid lines over a heatmap read as contours

        // Tight to the heatmap, widened to keep a trajectory that leaves the grid in view.
        double left = extent.Left, right = extent.Right, bottom = extent.Bottom, top = extent.Top;
        if (trajectory is { } t)
        {
            for (int k = 0; k < t.A.Length; k++)
            {
                if (double.IsFinite(t.A[k]) && double.IsFinite(t.B[k]))
                {
                    left = Math.Min(left, t.A[k] - (ha / 2));
                    right = Math.Max(right, t.A[k] + (ha / 2));
                    bottom = Math.Min(bottom, t.B[k] - (hb / 2));
                    top = Math.Max(top, t.B[k] + (hb / 2));
                }
            }
        }

        plot.Axes.SetLimits(left, right, bottom, top);

        plot.ShowLegend(Edge.Bottom);
        plot.Legend.FontSize = LegendSize;
        plot.Legend.Orientation = Orientation.Horizontal;
        PlotFonts.Apply(plot);

        string caption = Caption(log, contours is not null, masked, n * m, trajectory is not null);
        return new Surface(plot, heatmap, contours, log, masked, contours is null ? [] : levels, caption);
    }

    /// <summary>The sentence under the figure: what colour means, where the contours are, what is masked.</summary>
    public static string Caption(bool log, bool contours, int masked, int total, bool trajectory)
    {
        var s = new System.Text.StringBuilder("Loss on the plane θ + αδ + βη (α along x, β along y); colour: ");
        s.Append(log ? "log10 of the loss (the values span more than two decades)" : "the loss (linear scale)");
        if (contours)
        {
            s.Append(CultureInfo.InvariantCulture, $"; white lines: {ContourLevels} contour levels evenly spaced in {(log ? "log(loss)" : "loss")}");
        }

        s.Append("; diamond: the checkpoint (0, 0)");
        if (trajectory)
        {
            s.Append("; line with dots: the training trajectory projected on the plane (open circle: start, square: end; Li et al. 2018, Fig. 9)");
        }

        if (masked > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $". {masked} of {total} points diverged (NaN/Inf) and are masked (grey); contours treat them as higher than every level");
        }

        return s.Append('.').ToString();
    }

    private static void AddTrajectory(Plot plot, double[] a, double[] b)
    {
        var keep = Enumerable.Range(0, a.Length).Where(k => double.IsFinite(a[k]) && double.IsFinite(b[k])).ToArray();
        if (keep.Length == 0)
        {
            return;
        }

        double[] xs = [.. keep.Select(k => a[k])], ys = [.. keep.Select(k => b[k])];
        var line = plot.Add.Scatter(xs, ys, TrajectoryColor);
        line.LineWidth = 2f;
        line.MarkerSize = 5f;
        line.MarkerShape = MarkerShape.FilledCircle;
        line.LegendText = "trajectory";

        var start = plot.Add.Marker(xs[0], ys[0], MarkerShape.OpenCircle, 15f, TrajectoryColor);
        start.MarkerLineWidth = 2.5f;
        start.LegendText = "start";
        var end = plot.Add.Marker(xs[^1], ys[^1], MarkerShape.FilledSquare, 12f, TrajectoryColor);
        end.MarkerLineColor = Colors.Black;
        end.MarkerLineWidth = 1f;
        end.LegendText = "end";
    }

    private static void Check(double[] alpha, double[] beta, double[,] loss, (double[] A, double[] B)? trajectory)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        ArgumentNullException.ThrowIfNull(beta);
        ArgumentNullException.ThrowIfNull(loss);
        if (loss.GetLength(0) != alpha.Length || loss.GetLength(1) != beta.Length)
        {
            throw new ArgumentException(
                $"loss is [{loss.GetLength(0)}, {loss.GetLength(1)}]; expected [alpha.Length, beta.Length] = [{alpha.Length}, {beta.Length}]", nameof(loss));
        }

        CheckAxis(alpha, nameof(alpha));
        CheckAxis(beta, nameof(beta));
        if (trajectory is { } t && (t.A is null || t.B is null || t.A.Length != t.B.Length))
        {
            throw new ArgumentException("trajectory needs A and B of the same length", nameof(trajectory));
        }
    }

    /// <summary>A heatmap cell per grid point needs an evenly spaced, increasing axis (np.linspace, as loss-landscape uses).</summary>
    private static void CheckAxis(double[] x, string name)
    {
        if (x.Length < 2 || x.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"{name} needs at least two finite coordinates", name);
        }

        double h = (x[^1] - x[0]) / (x.Length - 1);
        if (!(h > 0))
        {
            throw new ArgumentException($"{name} must be increasing", name);
        }

        for (int i = 1; i < x.Length; i++)
        {
            if (Math.Abs(x[i] - x[i - 1] - h) > 0.01 * h)
            {
                throw new ArgumentException($"{name} must be evenly spaced (step {h:G4}; {x[i - 1]:G6} to {x[i]:G6} differs)", name);
            }
        }
    }
}
