using Gradscope.Lab.Sweeps;
using ScottPlot;

namespace Gradscope.Lab.Report;

/// <summary>
/// The report of a sweep (issue 6, item 4; DESIGN.md §3.3): phase diagrams and line plots over the swept axes, written
/// as PNG and SVG, and a self-contained <c>index.html</c> with the figures embedded and the summary table.
/// <list type="bullet">
/// <item>Heatmaps: for each summary and each pair of numeric axes with two or more values (sweep order: the first is x),
/// a cell per pair of values, coloured by the summary's mean over seeds (and over any further axes), diverged trials
/// marked with a red ×, failed and unfinished ones hatched.</item>
/// <item>Line plots: for each summary and each such axis, the summary against it, one line per value of the other axis
/// when there is exactly one, ± 1 std bands over seeds, diverged trials out of the means and counted in the caption.</item>
/// </list>
/// An axis named <c>seed</c> (or ending in <c>.seed</c>) is never plotted against; it is averaged over. A 1-axis sweep gets
/// only line plots, a sweep without a numeric axis only the table. Scales: an axis is log when its values are positive
/// and log-spaced (<see cref="SweepAxes.IsLogSpaced"/>); a summary is drawn on a log scale — log colour, log y, geometric
/// means — when its values are positive and span more than two decades (<see cref="SweepAxes.SummaryUsesLog"/>).
/// </summary>
public static class SweepReport
{
    public const string IndexFileName = RunReport.IndexFileName;

    /// <summary>Writes the report of <paramref name="table"/> into <paramref name="outDir"/> (created if needed).</summary>
    /// <param name="title">The page's heading; the sweep id when null.</param>
    /// <returns>The files written: the page first, then each figure's PNG and SVG, heatmaps before line plots.</returns>
    public static ReportResult Write(SummaryTable table, string outDir, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        string dir = Path.GetFullPath(outDir);
        Directory.CreateDirectory(dir);

        IReadOnlyList<SweptAxis> axes = SweepAxes.Analyse(table);
        var notes = new List<string>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var heatmaps = new List<WrittenFigure>();
        var lines = new List<WrittenFigure>();

        List<SweptAxis> plotAxes = [.. axes.Where(a => a.IsPlotAxis)];
        foreach (string summary in table.SummaryNames)
        {
            bool log = SweepAxes.SummaryUsesLog(table, summary);
            for (int i = 0; i < plotAxes.Count; i++)
            {
                for (int j = i + 1; j < plotAxes.Count; j++)
                {
                    SweptAxis x = plotAxes[i], y = plotAxes[j];
                    List<SweptAxis> averaged = [.. axes.Where(a => a.Varies && a.Path != x.Path && a.Path != y.Path)];
                    string key = UniqueKey(keys, $"heatmap_{MetricNames.Slug(summary)}__{MetricNames.Slug(x.Path)}__{MetricNames.Slug(y.Path)}");
                    SweepHeatmap.Figure f = SweepHeatmap.Build(table, summary, x, y, averaged, log, key);
                    heatmaps.Add(WriteFigure(f.Plot, f.Key, f.Title, f.Caption, SweepHeatmap.Width, SweepHeatmap.Height, dir));
                }
            }

            foreach (SweptAxis x in plotAxes)
            {
                string key = UniqueKey(keys, $"lines_{MetricNames.Slug(summary)}__{MetricNames.Slug(x.Path)}");
                SweepLines.Figure f = SweepLines.Build(table, summary, x, axes, log, key);
                lines.Add(WriteFigure(f.Plot, f.Key, f.Title, f.Caption, SweepLines.Width, SweepLines.Height, dir));
            }
        }

        Notes(table, axes, plotAxes, notes);
        if (heatmaps.Count + lines.Count > 0 && PlotFonts.Family is null)
        {
            notes.Add(PlotFonts.MissingFontNote);
        }

        string index = Path.Combine(dir, IndexFileName);
        string page = SweepPage.Render(table, title ?? $"Sweep {table.SweepId}", axes, heatmaps, lines, notes);
        string tmp = index + ".tmp";
        File.WriteAllText(tmp, page);
        File.Move(tmp, index, overwrite: true); // a reader never sees half a page

        List<WrittenFigure> all = [.. heatmaps, .. lines];
        var files = new List<string> { index };
        foreach (WrittenFigure f in all)
        {
            files.Add(f.Figure.PngPath);
            files.Add(f.Figure.SvgPath);
        }

        return new ReportResult(dir, index, files, [.. all.Select(f => f.Figure)], notes);
    }

    private static WrittenFigure WriteFigure(Plot plot, string key, string title, string caption, int width, int height, string dir)
    {
        byte[] png = plot.GetImageBytes(width, height, ImageFormat.Png);
        string pngPath = Path.Combine(dir, key + ".png");
        string svgPath = Path.Combine(dir, key + ".svg");
        File.WriteAllBytes(pngPath, png);
        File.WriteAllText(svgPath, plot.GetSvgXml(width, height));
        return new WrittenFigure(new ReportFigure(key, title, pngPath, svgPath), png, caption);
    }

    /// <summary>A file stem not used yet: <c>loss/train</c> and <c>loss_train</c> slug alike.</summary>
    private static string UniqueKey(HashSet<string> keys, string key)
    {
        string k = key;
        for (int n = 2; !keys.Add(k); n++)
        {
            k = $"{key}_{n}";
        }

        return k;
    }

    private static void Notes(SummaryTable table, IReadOnlyList<SweptAxis> axes, List<SweptAxis> plotAxes, List<string> notes)
    {
        if (table.SummaryNames.Count == 0)
        {
            notes.Add("The sweep defines no summary values: there is nothing to colour or plot. Add a summary: section to the sweep spec.");
        }
        else if (plotAxes.Count == 0)
        {
            notes.Add(SweepPage.NoFiguresText);
        }
        else if (plotAxes.Count == 1)
        {
            notes.Add($"One numeric axis ({plotAxes[0].Path}): line plots only, no phase diagram.");
        }

        foreach (SweptAxis a in axes.Where(a => a.Varies && !a.IsNumeric && !a.IsSeed))
        {
            notes.Add($"Axis {a.Path} is not numeric ({string.Join(", ", a.Texts.Take(4))}{(a.Texts.Count > 4 ? ", …" : "")}): not plotted against; lines are split by it where it is the only other axis, else it is averaged over.");
        }

        if (axes.FirstOrDefault(a => a.IsSeed && a.Varies) is { } seed)
        {
            notes.Add($"{seed.Path} ({seed.Texts.Count} values) is averaged over in every figure.");
        }

        int failed = table.Rows.Count(r => r.Status == "failed");
        int unfinished = table.Rows.Count(r => r.Status is "queued" or "running");
        if (failed > 0)
        {
            notes.Add($"{failed} trial{(failed == 1 ? "" : "s")} failed: no value, left out of every mean (a cell where no trial has a value is hatched).");
        }

        if (unfinished > 0)
        {
            notes.Add($"{unfinished} trial{(unfinished == 1 ? " is" : "s are")} still queued or running: no value yet, left out of every mean (a cell where no trial has a value is hatched). Regenerate the report when the sweep is done.");
        }
    }
}
