namespace Gradscope.Lab.Report;

/// <summary>The files one report wrote.</summary>
/// <param name="Directory">The output folder (absolute).</param>
/// <param name="IndexHtml">The self-contained page, <c>index.html</c> in <paramref name="Directory"/>.</param>
/// <param name="Files">Every file written (the page first, then each figure's PNG and SVG).</param>
/// <param name="Figures">The figures drawn, in page order.</param>
/// <param name="Notes">Things a reader should know that are not a figure: skipped plots, a missing font.</param>
public sealed record ReportResult(
    string Directory,
    string IndexHtml,
    IReadOnlyList<string> Files,
    IReadOnlyList<ReportFigure> Figures,
    IReadOnlyList<string> Notes);

/// <summary>One figure of a report, written as PNG and SVG.</summary>
/// <param name="Key">File stem, e.g. <c>modes</c> (files <c>modes.png</c>, <c>modes.svg</c>).</param>
public sealed record ReportFigure(string Key, string Title, string PngPath, string SvgPath);
