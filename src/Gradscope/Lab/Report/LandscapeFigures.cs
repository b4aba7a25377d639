using ScottPlot;

namespace Gradscope.Lab.Report;

/// <summary>
/// The figures of <c>gradscope landscape</c>: 1-D slices, 2-D surfaces with contours and a projected trajectory
/// (Li et al. 2018), linear interpolation between two points (Goodfellow et al. 2015) and the ridges behind a
/// roughness index. Each writes <c>KEY.png</c> and <c>KEY.svg</c> into the output folder (created if missing)
/// and returns their paths. Non-finite losses (diverged evaluations) never stop a figure: 1-D curves break
/// around them under a red band, 2-D cells are masked in grey and counted in the legend.
/// </summary>
public static class LandscapeFigures
{
    /// <summary>Pixel size of the 1-D figures.</summary>
    public const int SliceWidth = ChartSpec.DefaultWidth, SliceHeight = ChartSpec.DefaultHeight;

    /// <summary>Pixel size of the 2-D surface (near-square data area next to the colourbar).</summary>
    public const int SurfaceWidth = LandscapeSurface.Width, SurfaceHeight = LandscapeSurface.Height;

    /// <summary>
    /// Loss along θ + αδ: train solid, test dashed; log-y when the values are positive and span more than two
    /// decades; a dot marks α = 0 (the checkpoint).
    /// </summary>
    public static (string Png, string Svg) WriteSlice1D(string outDir, string key, string title, double[] alpha, double[] trainLoss, double[]? testLoss, string xLabel = "α")
        => Write(LandscapeLines.Slice(key, title, alpha, trainLoss, testLoss, xLabel), outDir);

    /// <summary>
    /// The loss on the plane θ + αδ + βη, <paramref name="loss"/>[i, j] at (<paramref name="alpha"/>[i],
    /// <paramref name="beta"/>[j]) (evenly spaced, increasing): Viridis heatmap (log colour when the values span more
    /// than two decades, said in the colourbar label), white contour lines, the centre (0, 0) marked, and the projected
    /// <paramref name="trajectory"/> if given (a line with dots; open circle at the start, square at the end).
    /// </summary>
    public static (string Png, string Svg) WriteSurface2D(string outDir, string key, string title, double[] alpha, double[] beta, double[,] loss,
        (double[] A, double[] B)? trajectory = null, string xLabel = "α", string yLabel = "β")
    {
        LandscapeSurface.Surface surface = LandscapeSurface.Build(title, alpha, beta, loss, trajectory, xLabel, yLabel);
        Directory.CreateDirectory(outDir);
        string png = Path.Combine(outDir, key + ".png");
        string svg = Path.Combine(outDir, key + ".svg");
        File.WriteAllBytes(png, surface.Plot.GetImageBytes(SurfaceWidth, SurfaceHeight, ImageFormat.Png));
        if (surface.Heatmap is not null)
        {
            // SVG viewers smooth an embedded 51×51 bitmap into a blur: draw the cells as rectangles there.
            surface.Heatmap.RenderStrategy = new ScottPlot.Plottables.Heatmap.RenderStrategies.Rectangles();
        }

        File.WriteAllText(svg, surface.Plot.GetSvgXml(SurfaceWidth, SurfaceHeight));
        return (png, svg);
    }

    /// <summary>The one-sentence caption of <see cref="WriteSurface2D"/>'s figure for the same data (colour scale, contours, masked points).</summary>
    public static string SurfaceCaption(double[] alpha, double[] beta, double[,] loss, (double[] A, double[] B)? trajectory = null)
        => LandscapeSurface.Build("", alpha, beta, loss, trajectory, "α", "β").Caption;

    /// <summary>
    /// Loss on the line θ(α) = (1 − α)·θ₀ + α·θ₁ (Goodfellow et al. 2015): α = 0 and α = 1 marked with vertical lines
    /// labelled <paramref name="fromLabel"/> and <paramref name="toLabel"/>; train solid, test dashed.
    /// </summary>
    public static (string Png, string Svg) WriteInterpolation(string outDir, string key, string title, double[] alpha, double[] trainLoss, double[]? testLoss, string fromLabel, string toLabel)
        => Write(LandscapeLines.Interpolation(key, title, alpha, trainLoss, testLoss, fromLabel, toLabel), outDir);

    /// <summary>
    /// The curves f_i(t) behind a roughness index (up to <see cref="LandscapeLines.MaxRidges"/> of them, spread over
    /// the list), thin translucent lines; the title shows RI = <paramref name="index"/>.
    /// </summary>
    public static (string Png, string Svg) WriteRoughnessRidges(string outDir, string key, string title, double[] t, double[][] curves, double index)
        => Write(LandscapeLines.Ridges(key, title, t, curves, index), outDir);

    private static (string Png, string Svg) Write(LandscapeLines.Figure figure, string outDir)
    {
        Directory.CreateDirectory(outDir);
        ChartSpec spec = figure.Spec;
        Plot plot = ChartRenderer.Render(spec);
        figure.Decorate(plot);
        string png = Path.Combine(outDir, spec.Key + ".png");
        string svg = Path.Combine(outDir, spec.Key + ".svg");
        File.WriteAllBytes(png, plot.GetImageBytes(spec.Width, spec.Height, ImageFormat.Png));
        File.WriteAllText(svg, plot.GetSvgXml(spec.Width, spec.Height));
        return (png, svg);
    }
}
