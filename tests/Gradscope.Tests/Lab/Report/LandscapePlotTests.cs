using System.Globalization;
using Gradscope.Lab.Report;
using ScottPlot;
using SkiaSharp;

namespace Gradscope.Tests.Lab.Report;

/// <summary>The landscape figures: files written, sizes, orientation of the surface, masking of diverged points.</summary>
public sealed class LandscapePlotTests : IDisposable
{
    private readonly ReportTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static double[] Linspace(double lo, double hi, int n) =>
        [.. Enumerable.Range(0, n).Select(i => lo + ((hi - lo) * i / (n - 1)))];

    /// <summary>An anisotropic bowl plus a quartic wall: 0.02 at the centre, several hundred times that at the corners.</summary>
    private static double Bowl(double a, double b) => 0.02 + (2.5 * a * a) + (0.6 * b * b) + (0.8 * a * b * b) + (3 * Math.Pow(a, 4));

    private static double[,] Grid(double[] alpha, double[] beta, Func<double, double, double> f)
    {
        var z = new double[alpha.Length, beta.Length];
        for (int i = 0; i < alpha.Length; i++)
        {
            for (int j = 0; j < beta.Length; j++)
            {
                z[i, j] = f(alpha[i], beta[j]);
            }
        }

        return z;
    }

    private static void AssertWritten((string Png, string Svg) files, int width, int height, int minBytes = 8_000)
    {
        Assert.True(File.Exists(files.Png), files.Png);
        Assert.True(File.Exists(files.Svg), files.Svg);
        byte[] png = File.ReadAllBytes(files.Png);
        Assert.Equal((width, height), ImageChecks.AssertPng(png));
        Assert.InRange(png.Length, minBytes, 5_000_000);
        var svg = ImageChecks.AssertSvg(files.Svg);
        Assert.Equal(width.ToString(CultureInfo.InvariantCulture), (string?)svg.Attribute("width"));
        Assert.True(new FileInfo(files.Svg).Length > 5_000, "SVG suspiciously small");
    }

    [Fact]
    public void SliceWritesPngAndSvgWithLogYOverTwoDecades()
    {
        double[] alpha = Linspace(-1, 1, 51);
        double[] train = [.. alpha.Select(a => Bowl(a, 0))];
        double[] test = [.. alpha.Select(a => Bowl(a, 0) + 0.05)];

        var files = LandscapeFigures.WriteSlice1D(_dir.Path, "slice", "1-D slice", alpha, train, test);

        Assert.Equal(Path.Combine(_dir.Path, "slice.png"), files.Png);
        AssertWritten(files, LandscapeFigures.SliceWidth, LandscapeFigures.SliceHeight);
        var spec = LandscapeLines.Slice("slice", "t", alpha, train, test, "α").Spec;
        Assert.True(spec.UsesLogY); // 0.02 .. 5.5: more than two decades
        Assert.Equal(["train", "test"], spec.Lines.Select(l => l.Legend));
        Assert.False(spec.Lines[0].Dashed);
        Assert.True(spec.Lines[1].Dashed);
        Assert.False(LandscapeLines.Slice("s", "t", alpha, [.. train.Select(v => v + 1)], null, "α").Spec.UsesLogY);
    }

    [Fact]
    public void SliceMarksTheCheckpointWithADotAtAlphaZero()
    {
        double[] alpha = Linspace(-1, 1, 21);
        double[] train = [.. alpha.Select(a => 1 + a * a)];
        var figure = LandscapeLines.Slice("s", "t", alpha, train, null, "α");
        Plot plot = ChartRenderer.Render(figure.Spec);
        figure.Decorate(plot);

        var dot = Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Marker>());
        Assert.Equal(0, dot.X);
        Assert.Equal(1, dot.Y, 12);
        Assert.Contains("α = 0", dot.LegendText, StringComparison.Ordinal);
    }

    [Fact]
    public void SliceWithDivergedPointsBreaksTheLineAndBandsTheRange()
    {
        double[] alpha = Linspace(-1, 1, 41);
        double[] train = [.. alpha.Select(a => a > 0.61 ? double.NaN : a < -0.91 ? double.PositiveInfinity : 1 + a * a)];
        var figure = LandscapeLines.Slice("s", "t", alpha, train, null, "α");

        ChartLine line = Assert.Single(figure.Spec.Lines);
        Assert.All(line.Curve.Y, y => Assert.True(double.IsFinite(y)));
        Assert.Null(line.Curve.FirstNonFiniteX);
        Plot plot = ChartRenderer.Render(figure.Spec);
        figure.Decorate(plot);
        var bands = plot.GetPlottables().OfType<ScottPlot.Plottables.HorizontalSpan>().OrderBy(s => s.X1).ToArray();
        Assert.Equal(2, bands.Length);
        Assert.Equal(-1.025, bands[0].X1, 9);
        Assert.Equal(-0.925, bands[0].X2, 9); // α = −1, −0.95 diverged, half a step (0.025) beyond
        Assert.Equal(0.625, bands[1].X1, 9);
        Assert.Equal(1.025, bands[1].X2, 9);

        AssertWritten(LandscapeFigures.WriteSlice1D(_dir.Path, "diverged", "t", alpha, train, null), 900, 550);
    }

    [Fact]
    public void RunsSplitAtNonFinitePoints()
    {
        double[] x = [0, 1, 2, 3, 4, 5];
        double[] y = [1, double.NaN, 2, 3, double.PositiveInfinity, 1e300];
        Assert.Equal([(0, 1), (2, 4)], LandscapeLines.Runs(x, y, finite: true));
        Assert.Equal([(1, 2), (4, 6)], LandscapeLines.Runs(x, y, finite: false));
    }

    [Fact]
    public void SurfaceWritesPngAndSvgWithLogColourAndContours()
    {
        double[] alpha = Linspace(-1, 1, 51), beta = Linspace(-1, 1, 51);
        double[,] loss = Grid(alpha, beta, Bowl);

        var files = LandscapeFigures.WriteSurface2D(_dir.Path, "surface", "2-D surface", alpha, beta, loss);

        AssertWritten(files, LandscapeFigures.SurfaceWidth, LandscapeFigures.SurfaceHeight, minBytes: 30_000);
        var surface = LandscapeSurface.Build("t", alpha, beta, loss, null, "α", "β");
        Assert.True(surface.LogColour);
        Assert.Equal(LandscapeSurface.ContourLevels, surface.Levels.Length);
        Assert.NotNull(surface.Contours);
        Assert.NotEmpty(surface.Contours!.Lines);
        Assert.Contains("log", LandscapeFigures.SurfaceCaption(alpha, beta, loss), StringComparison.Ordinal);
        // The SVG draws cells as rectangles (no blurred bitmap): at least one per cell.
        string svg = File.ReadAllText(files.Svg);
        Assert.True(CountOf(svg, "<rect") >= alpha.Length * beta.Length, "expected one rect per heatmap cell in the SVG");
        Assert.Equal(1, CountOf(svg, "<image")); // the colourbar's gradient only
    }

    [Fact]
    public void ColourBarLabelSaysWhenTheScaleIsLog()
    {
        double[] alpha = Linspace(-1, 1, 11), beta = Linspace(-1, 1, 11);
        var log = LandscapeSurface.Build("t", alpha, beta, Grid(alpha, beta, Bowl), null, "α", "β");
        var linear = LandscapeSurface.Build("t", alpha, beta, Grid(alpha, beta, (a, b) => 2 + a + b), null, "α", "β");

        Assert.Contains("log", ColourBarLabel(log.Plot), StringComparison.Ordinal);
        Assert.False(linear.LogColour);
        Assert.Equal("loss", ColourBarLabel(linear.Plot));
    }

    [Fact]
    public void ColourBarTicksAreOneTwoFiveSteps()
    {
        var log = AxisScale.ColourTicks(Math.Log10(0.02), Math.Log10(6.3), log: true);
        Assert.Equal(["0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5"], log.Select(t => t.Label));
        Assert.Equal(Math.Log10(0.05), log[1].Position, 12);

        var wide = AxisScale.ColourTicks(-3.2, 6.5, log: true); // ten decades: every other one, no 2x/5x
        Assert.Equal(["0.01", "1", "100", "1e4", "1e6"], wide.Select(t => t.Label));

        var linear = AxisScale.ColourTicks(0.7, 3.3, log: false);
        Assert.Equal([1.0, 1.5, 2.0, 2.5, 3.0], linear.Select(t => t.Position));
    }

    [Fact]
    public void ContourLevelsAreEvenInTheColourScale()
    {
        double[] alpha = Linspace(-1, 1, 21);
        var surface = LandscapeSurface.Build("t", alpha, alpha, Grid(alpha, alpha, Bowl), null, "α", "β");

        Assert.InRange(surface.Levels.Length, 10, 15);
        double[] gaps = [.. surface.Levels.Zip(surface.Levels.Skip(1), (a, b) => b - a)];
        Assert.All(gaps, g => Assert.Equal(gaps[0], g, 9));
        // Log colour: levels are log10(loss), strictly inside the range of the data.
        Assert.InRange(surface.Levels[0], Math.Log10(0.02), Math.Log10(Bowl(1, 1)));
        Assert.InRange(surface.Levels[^1], Math.Log10(0.02), Math.Log10(Bowl(1, 1)));
    }

    private static string ColourBarLabel(Plot plot) =>
        plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>().Single().Label;

    [Fact]
    public void SurfaceWithNonFiniteCellsRendersAndMasksThem()
    {
        double[] alpha = Linspace(-1, 1, 51), beta = Linspace(-0.5, 0.5, 31);
        double[,] loss = Grid(alpha, beta, (a, b) => a > 0.7 && b > 0.2 ? double.NaN : a < -0.9 ? double.PositiveInfinity : Bowl(a, b));
        int bad = loss.Cast<double>().Count(v => !double.IsFinite(v));

        var files = LandscapeFigures.WriteSurface2D(_dir.Path, "masked", "diverged corner", alpha, beta, loss,
            (Linspace(-0.9, 0, 12), [.. Linspace(-0.4, 0, 12).Select(b => b * b)]));

        AssertWritten(files, LandscapeFigures.SurfaceWidth, LandscapeFigures.SurfaceHeight, minBytes: 30_000);
        var surface = LandscapeSurface.Build("t", alpha, beta, loss, null, "α", "β");
        Assert.Equal(bad, surface.Masked);
        Assert.Contains($"{bad} of {alpha.Length * beta.Length} points diverged", surface.Caption, StringComparison.Ordinal);
        Assert.Contains(surface.Plot.Legend.ManualItems, i => i.LabelText.StartsWith("diverged", StringComparison.Ordinal));
        Assert.All(surface.Contours!.Lines.SelectMany(l => l.Path.Points), p => Assert.True(double.IsFinite(p.X) && double.IsFinite(p.Y)));

        // The masked cells are drawn in the mask colour in the written PNG.
        using SKBitmap png = SKBitmap.Decode(File.ReadAllBytes(files.Png));
        Pixel at = PixelOf(surface.Plot, 0.9, 0.4);
        Assert.True(Near(png.GetPixel((int)at.X, (int)at.Y), LandscapeSurface.MaskedColor), $"masked cell is {png.GetPixel((int)at.X, (int)at.Y)}");
    }

    [Fact]
    public void AllNonFiniteSurfaceStillRenders()
    {
        double[] alpha = Linspace(-1, 1, 5), beta = Linspace(-1, 1, 5);
        double[,] loss = Grid(alpha, beta, (_, _) => double.NaN);
        var files = LandscapeFigures.WriteSurface2D(_dir.Path, "nan", "all diverged", alpha, beta, loss);

        AssertWritten(files, LandscapeFigures.SurfaceWidth, LandscapeFigures.SurfaceHeight);
        var surface = LandscapeSurface.Build("t", alpha, beta, loss, null, "α", "β");
        Assert.Equal(25, surface.Masked);
        using SKBitmap png = SKBitmap.Decode(File.ReadAllBytes(files.Png));
        Pixel at = PixelOf(surface.Plot, 0.5, -0.5);
        Assert.True(Near(png.GetPixel((int)at.X, (int)at.Y), LandscapeSurface.MaskedColor));
    }

    /// <summary>
    /// Loss increasing in α only: the written image is dark (Viridis' low end) at the left edge and yellow (its high end)
    /// at the right, whatever β; and the transposed surface goes dark to yellow from bottom to top. Checked on the pixels
    /// of the PNG file, at positions taken from ScottPlot's own coordinate-to-pixel map of the same figure.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SurfaceHasAlphaAlongXAndBetaAlongY(bool increasingInAlpha)
    {
        double[] alpha = Linspace(-1, 1, 41), beta = Linspace(-2, 2, 21);
        double[,] loss = Grid(alpha, beta, (a, b) => increasingInAlpha ? 2 + a : 3 + (b / 2));

        var files = LandscapeFigures.WriteSurface2D(_dir.Path, "orient", "orientation", alpha, beta, loss);
        var surface = LandscapeSurface.Build("orientation", alpha, beta, loss, null, "α", "β");
        Assert.False(surface.LogColour);
        // ScottPlot's own lookup: the cell under (α, β) holds loss[i, j].
        Assert.Equal(loss[40, 3], surface.Heatmap!.GetValue(new Coordinates(1, beta[3])), 12);
        Assert.Equal(loss[0, 17], surface.Heatmap!.GetValue(new Coordinates(-1, beta[17])), 12);
        Assert.Equal(loss[25, 20], surface.Heatmap!.GetValue(new Coordinates(alpha[25], 2)), 12);

        using SKBitmap png = SKBitmap.Decode(File.ReadAllBytes(files.Png));
        Color low = new ScottPlot.Colormaps.Viridis().GetColor(0), high = new ScottPlot.Colormaps.Viridis().GetColor(1);
        (double a, double b)[] lowCorners = increasingInAlpha ? [(-1, -1.6), (-1, 1.6)] : [(-0.8, -2), (0.8, -2)];
        (double a, double b)[] highCorners = increasingInAlpha ? [(1, -1.6), (1, 1.6)] : [(-0.8, 2), (0.8, 2)];
        foreach (var (a, b) in lowCorners)
        {
            Pixel p = PixelOf(surface.Plot, a, b);
            Assert.True(Near(png.GetPixel((int)p.X, (int)p.Y), low), $"({a}, {b}) should be Viridis' low end, is {png.GetPixel((int)p.X, (int)p.Y)}");
        }

        foreach (var (a, b) in highCorners)
        {
            Pixel p = PixelOf(surface.Plot, a, b);
            Assert.True(Near(png.GetPixel((int)p.X, (int)p.Y), high), $"({a}, {b}) should be Viridis' high end, is {png.GetPixel((int)p.X, (int)p.Y)}");
        }
    }

    /// <summary>Where ScottPlot draws (α, β) in a figure of the written size (the plot is laid out by rendering it once).</summary>
    private static Pixel PixelOf(Plot plot, double a, double b)
    {
        plot.GetImageBytes(LandscapeFigures.SurfaceWidth, LandscapeFigures.SurfaceHeight, ImageFormat.Png);
        return plot.GetPixel(new Coordinates(a, b));
    }

    private static bool Near(SKColor c, Color expected, int tolerance = 10) =>
        Math.Abs(c.Red - expected.R) <= tolerance && Math.Abs(c.Green - expected.G) <= tolerance && Math.Abs(c.Blue - expected.B) <= tolerance;

    [Fact]
    public void TrajectoryIsDrawnWithStartAndEndMarked()
    {
        double[] alpha = Linspace(-1, 1, 21), beta = Linspace(-1, 1, 21);
        double[] a = Linspace(-1.4, 0, 15), b = [.. a.Select(x => 0.5 * x * x)];
        var surface = LandscapeSurface.Build("t", alpha, beta, Grid(alpha, beta, Bowl), (a, b), "PC1", "PC2");

        var path = Assert.Single(surface.Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>());
        Assert.Equal(15, path.Data.GetScatterPoints().Count);
        Assert.True(path.MarkerSize > 0);
        var markers = surface.Plot.GetPlottables().OfType<ScottPlot.Plottables.Marker>().ToDictionary(m => m.LegendText);
        Assert.Equal(-1.4, markers["start"].X, 12);
        Assert.Equal(0.98, markers["start"].Y, 12);
        Assert.Equal(new Coordinates(0, 0), markers["end"].Location);
        Assert.Equal(new Coordinates(0, 0), markers[LandscapeSurface.CentreLegend].Location);
        // The trajectory leaves the grid at α = −1.4: the view widens to keep it.
        Assert.True(surface.Plot.Axes.GetLimits().Left < -1.4);
        Assert.Contains("trajectory", surface.Caption, StringComparison.Ordinal);
    }

    [Fact]
    public void InterpolationMarksBothEndsWithLabelledVerticalLines()
    {
        double[] alpha = Linspace(-0.5, 1.5, 41);
        double[] train = [.. alpha.Select(a => 0.1 + Math.Sin(Math.PI * a) * Math.Sin(Math.PI * a) + (0.5 * (1 - a) * (1 - a)))];
        var figure = LandscapeLines.Interpolation("i", "t", alpha, train, null, "init", "final");
        Plot plot = ChartRenderer.Render(figure.Spec);
        figure.Decorate(plot);

        var lines = plot.GetPlottables().OfType<ScottPlot.Plottables.VerticalLine>().OrderBy(l => l.X).ToArray();
        Assert.Equal([0.0, 1.0], lines.Select(l => l.X));
        Assert.Equal(["init", "final"], lines.Select(l => l.Text));

        var files = LandscapeFigures.WriteInterpolation(_dir.Path, "interp", "Init → final", alpha, train, [.. train.Select(v => v * 1.3)], "init", "final");
        AssertWritten(files, LandscapeFigures.SliceWidth, LandscapeFigures.SliceHeight);
    }

    [Fact]
    public void RidgesShowTheIndexInTheTitleAndAtMostTwentyCurves()
    {
        double[] t = Linspace(0, 1, 101);
        var rng = new System.Random(7);
        double[][] curves = [.. Enumerable.Range(0, 35).Select(i => t.Select(x => (x * x) + (0.05 * Math.Sin(40 * x + i)) + (0.01 * rng.NextDouble())).ToArray())];

        var figure = LandscapeLines.Ridges("r", "Roughness", t, curves, 0.1234);
        Assert.Equal("Roughness (RI = 0.123)", figure.Spec.Title);
        Assert.Equal(LandscapeLines.MaxRidges, figure.Spec.Lines.Count);
        Assert.All(figure.Spec.Lines, l => Assert.True(l.Opacity < 1 && l.Width < 2));
        Assert.Equal("RI = 3.2e-7", "RI = " + LandscapeLines.FormatIndex(3.2e-7));

        var files = LandscapeFigures.WriteRoughnessRidges(_dir.Path, "ridges", "Roughness", t, curves, 0.1234);
        AssertWritten(files, LandscapeFigures.SliceWidth, LandscapeFigures.SliceHeight);
    }

    [Fact]
    public void BadShapesAreRejected()
    {
        double[] alpha = Linspace(-1, 1, 5);
        Assert.Throws<ArgumentException>(() => LandscapeFigures.WriteSlice1D(_dir.Path, "k", "t", alpha, [1, 2], null));
        Assert.Throws<ArgumentException>(() => LandscapeFigures.WriteSurface2D(_dir.Path, "k", "t", alpha, alpha, new double[5, 4]));
        Assert.Throws<ArgumentException>(() => LandscapeFigures.WriteSurface2D(_dir.Path, "k", "t", [0, 0.1, 0.5, 0.6, 1], alpha, new double[5, 5]));
        Assert.Throws<ArgumentException>(() => LandscapeFigures.WriteRoughnessRidges(_dir.Path, "k", "t", alpha, [[1, 2]], 0));
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
