namespace Gradscope.Lab.Report;

/// <summary>The figure of <c>gradscope hessian --density</c>: one eigenvalue density (log scale) with the top eigenvalues marked.</summary>
public static class HessianFigure
{
    /// <summary>Writes <c>KEY.png</c> and <c>KEY.svg</c> into <paramref name="outDir"/>; returns their paths.</summary>
    public static (string Png, string Svg) WriteDensity(string outDir, string key, string title, double[] grid, double[] density, IReadOnlyList<double> topEigenvalues)
    {
        Directory.CreateDirectory(outDir);
        double peak = density.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        var spec = new ChartSpec
        {
            Key = key,
            Title = title,
            XLabel = "eigenvalue",
            YLabel = "density",
            Caption = "Gaussian-broadened eigenvalue density; dotted: the top eigenvalues.",
        };
        spec.Lines.Add(new ChartLine("density", Curve.From(grid, density.Select(v => Math.Max(v, peak * DensityPlot.Floor)).ToArray()), Palette.At(0), Width: 2f));
        double floor = peak * DensityPlot.Floor;
        foreach (var l in topEigenvalues)
        {
            spec.Lines.Add(new ChartLine(null, Curve.From([l, l], [floor, peak]), Palette.At(3), Width: 1f, Dashed: true));
        }
        var w = FigureWriter.Write(spec, outDir);
        return (w.Figure.PngPath, w.Figure.SvgPath);
    }
}
