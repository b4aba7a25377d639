using ScottPlot;

namespace Gradscope.Lab.Report;

/// <summary>A figure written to disk, with its PNG bytes kept for embedding in the HTML page.</summary>
internal sealed record WrittenFigure(ReportFigure Figure, byte[] Png, string? Caption);

/// <summary>Renders a chart once per format and writes <c>KEY.png</c> and <c>KEY.svg</c>.</summary>
internal static class FigureWriter
{
    public static WrittenFigure Write(ChartSpec spec, string directory)
    {
        Plot plot = ChartRenderer.Render(spec);
        byte[] png = plot.GetImageBytes(spec.Width, spec.Height, ImageFormat.Png);
        string svg = plot.GetSvgXml(spec.Width, spec.Height);

        string pngPath = Path.Combine(directory, spec.Key + ".png");
        string svgPath = Path.Combine(directory, spec.Key + ".svg");
        File.WriteAllBytes(pngPath, png);
        File.WriteAllText(svgPath, svg);
        return new WrittenFigure(new ReportFigure(spec.Key, spec.Title, pngPath, svgPath), png, spec.Caption);
    }
}
