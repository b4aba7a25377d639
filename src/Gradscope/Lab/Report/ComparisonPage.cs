namespace Gradscope.Lab.Report;

/// <summary>The <c>index.html</c> of a comparison report: the runs side by side, then the overlaid figures.</summary>
internal static class ComparisonPage
{
    public static string Render(
        IReadOnlyList<(ReportRun Run, string Label, MetricTable Table)> runs,
        IReadOnlyList<WrittenFigure> figures,
        IReadOnlyList<string> notes)
    {
        var html = new HtmlWriter($"Gradscope comparison of {runs.Count} runs");
        html.Raw("<header>\n<h1>").Raw(HtmlWriter.Encode($"Comparison of {runs.Count} runs")).Raw("</h1>\n<div class=\"meta\">")
            .Raw(HtmlWriter.Encode(string.Join(" · ", runs.Select(r => r.Run.Id))))
            .Raw("</div>\n</header>\n");

        html.Heading("Runs");
        // Summary keys as columns, so the same quantity (e.g. theory agreement) reads down one column.
        List<string> keys = [.. runs.SelectMany(r => r.Run.Summary.Keys).Distinct(StringComparer.Ordinal).OrderBy(k => k, NaturalComparer.Instance)];
        html.Table(
            ["run", "id", "status", "records", .. keys],
            runs.Select(r => (IReadOnlyList<string>)
            [
                r.Label, r.Run.Id, r.Run.Status, r.Table.PointCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                .. keys.Select(k => r.Run.Summary.TryGetValue(k, out string? v) ? HtmlWriter.SummaryValue(v) : "–"),
            ]));

        html.Heading("Plots");
        if (figures.Count == 0)
        {
            html.Paragraph("None of these runs recorded metrics to compare.", "empty");
        }
        else
        {
            html.Figures(figures);
        }

        html.Notes(notes);

        html.Heading("Specs");
        foreach ((ReportRun run, string label, MetricTable _) in runs)
        {
            html.BeginDetails($"{label} ({run.Id})").Preformatted(SpecText.Pretty(run.SpecJson)).EndDetails();
        }

        return html.Finish();
    }
}
