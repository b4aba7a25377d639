namespace Gradscope.Lab.Report;

/// <summary>
/// Run reports (issue 3, item 11; DESIGN.md §3.3): PNG and SVG figures drawn with ScottPlot and a
/// self-contained <c>index.html</c>. Input is plain records, so any caller (the CLI's <c>report</c> over
/// the store, a sweep, a test) can draw without the store.
/// </summary>
public static class RunReport
{
    public const string IndexFileName = "index.html";

    /// <summary>Writes the report of one run into <paramref name="outDir"/> (created if needed).</summary>
    /// <returns>The files written: the page first, then each figure's PNG and SVG.</returns>
    /// <param name="extraFigures">Figures already drawn elsewhere (e.g. <c>gradscope landscape</c> plots in the run's folder), embedded after the metric plots.</param>
    public static ReportResult Write(ReportRun run, IReadOnlyList<ReportMetric> metrics, string outDir, IReadOnlyList<ReportVector>? vectors = null,
        IReadOnlyList<ReportFigure>? extraFigures = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(metrics);
        string dir = PrepareDirectory(outDir);

        MetricTable table = MetricTable.From(metrics);
        var notes = new List<string>();
        List<ChartSpec> charts = RunCharts.Build(table, XAxisChoice.For(run), notes);
        if (vectors is not null && DensityPlot.Build(vectors) is { } density)
        {
            charts.Add(density);
        }
        List<WrittenFigure> figures = WriteFigures(charts, dir, notes);
        foreach (var f in extraFigures ?? [])
        {
            if (File.Exists(f.PngPath))
            {
                figures.Add(new WrittenFigure(f, File.ReadAllBytes(f.PngPath), null));
            }
        }

        string index = Path.Combine(dir, IndexFileName);
        WriteText(index, RunPage.Render(run, table, figures, notes));
        return Result(dir, index, figures, notes);
    }

    /// <summary>
    /// Writes a comparison of several runs into <paramref name="outDir"/>: the same metric overlaid across runs
    /// (one colour per run, x = gradient-flow time), mode strengths with each run's theory dashed on top.
    /// </summary>
    public static ReportResult WriteComparison(IReadOnlyList<(ReportRun Run, IReadOnlyList<ReportMetric> Metrics)> runs, string outDir)
    {
        ArgumentNullException.ThrowIfNull(runs);
        string dir = PrepareDirectory(outDir);

        IReadOnlyList<string> labels = RunLabels(runs.Select(r => r.Run).ToList());
        List<(ReportRun Run, string Label, MetricTable Table)> tables =
            [.. runs.Select((r, i) => (r.Run, labels[i], MetricTable.From(r.Metrics)))];

        var notes = new List<string>();
        List<ChartSpec> charts = ComparisonCharts.Build([.. tables.Select(t => (t.Label, t.Table))], notes);
        List<WrittenFigure> figures = WriteFigures(charts, dir, notes);

        string index = Path.Combine(dir, IndexFileName);
        WriteText(index, ComparisonPage.Render(tables, figures, notes));
        return Result(dir, index, figures, notes);
    }

    /// <summary>Legend labels: the run names, or "name (id)" where names repeat.</summary>
    internal static IReadOnlyList<string> RunLabels(IReadOnlyList<ReportRun> runs)
    {
        var counts = runs.GroupBy(r => r.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return [.. runs.Select(r => counts[r.Name] > 1 || r.Name.Length == 0 ? $"{r.Name} ({r.Id})".TrimStart() : r.Name)];
    }

    private static string PrepareDirectory(string outDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        string dir = Path.GetFullPath(outDir);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static List<WrittenFigure> WriteFigures(List<ChartSpec> charts, string dir, List<string> notes)
    {
        var figures = new List<WrittenFigure>(charts.Count);
        foreach (ChartSpec chart in charts)
        {
            figures.Add(FigureWriter.Write(chart, dir));
        }

        if (figures.Count > 0 && PlotFonts.Family is null)
        {
            notes.Add(PlotFonts.MissingFontNote);
        }

        return figures;
    }

    // Write-then-rename, so a reader never sees half a page (the report may be regenerated while open).
    private static void WriteText(string path, string text)
    {
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }

    private static ReportResult Result(string dir, string index, List<WrittenFigure> figures, List<string> notes)
    {
        var files = new List<string> { index };
        foreach (WrittenFigure f in figures)
        {
            files.Add(f.Figure.PngPath);
            files.Add(f.Figure.SvgPath);
        }

        return new ReportResult(dir, index, files, [.. figures.Select(f => f.Figure)], notes);
    }
}
