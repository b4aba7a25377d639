using System.Globalization;

namespace Gradscope.Lab.Report;

/// <summary>The <c>index.html</c> of a single-run report.</summary>
internal static class RunPage
{
    public const string NoMetricsText = "No metrics were recorded for this run.";

    public static string Render(ReportRun run, MetricTable table, IReadOnlyList<WrittenFigure> figures, IReadOnlyList<string> notes)
    {
        var html = new HtmlWriter($"{run.Name} — Gradscope run {run.Id}");
        html.Raw("<header>\n<h1>").Raw(HtmlWriter.Encode(run.Name)).Raw("</h1>\n<div class=\"meta\">run <code>")
            .Raw(HtmlWriter.Encode(run.Id)).Raw("</code> · ").StatusBadge(run.Status)
            .Raw(" · ").Raw(HtmlWriter.Encode($"{table.Names.Count} metrics, {table.PointCount} records"))
            .Raw("</div>\n</header>\n");

        if (MetricOverview.FirstNonFiniteStep(table) is { } step)
        {
            html.Raw("<div class=\"banner\">")
                .Raw(HtmlWriter.Encode($"Metrics stop being finite at step {step.ToString(CultureInfo.InvariantCulture)}; "
                    + "the plots drop non-finite values (and any beyond ±1e100) and mark where they start with a red dashed line."))
                .Raw("</div>\n");
        }

        SummarySection(html, run.Summary);

        html.Heading("Plots");
        if (table.IsEmpty)
        {
            html.Paragraph(NoMetricsText, "empty");
        }
        else if (figures.Count == 0)
        {
            html.Paragraph("No metric had a finite value to plot.", "empty");
        }
        else
        {
            html.Figures(figures);
        }

        html.Notes(notes);

        if (!table.IsEmpty)
        {
            html.BeginDetails($"All metrics ({table.Names.Count})")
                .Table(MetricOverview.Header, MetricOverview.Rows(table))
                .EndDetails();
        }

        html.Heading("Spec");
        string spec = SpecText.Pretty(run.SpecJson);
        if (spec.Length == 0)
        {
            html.Paragraph("No spec recorded.", "empty");
        }
        else
        {
            html.Preformatted(spec);
        }

        return html.Finish();
    }

    internal static void SummarySection(HtmlWriter html, IReadOnlyDictionary<string, string> summary)
    {
        html.Heading("Summary");
        if (summary.Count == 0)
        {
            html.Paragraph("No summary values recorded.", "empty");
            return;
        }

        html.Table(
            ["quantity", "value"],
            summary.OrderBy(kv => kv.Key, NaturalComparer.Instance).Select(kv => (IReadOnlyList<string>)[kv.Key, HtmlWriter.SummaryValue(kv.Value)]));
    }
}
