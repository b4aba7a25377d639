using System.Globalization;
using System.Text;
using Gradscope.Lab.Sweeps;

namespace Gradscope.Lab.Report;

/// <summary>The <c>index.html</c> of a sweep report: the axes, the phase diagrams, the line plots, then every trial.</summary>
internal static class SweepPage
{
    public const string NoFiguresText = "No swept axis has two or more numeric values: there is nothing to plot against, only the table below.";

    /// <summary>Axis values listed in the axes table before the list is cut short.</summary>
    private const int MaxListedValues = 12;

    public static string Render(SummaryTable table, string title, IReadOnlyList<SweptAxis> axes,
        IReadOnlyList<WrittenFigure> heatmaps, IReadOnlyList<WrittenFigure> lines, IReadOnlyList<string> notes)
    {
        var html = new HtmlWriter($"{title} — Gradscope sweep {table.SweepId}");
        var counts = table.Rows.GroupBy(r => r.Status, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        html.Raw("<header>\n<h1>").Raw(HtmlWriter.Encode(title)).Raw("</h1>\n<div class=\"meta\">sweep <code>")
            .Raw(HtmlWriter.Encode(table.SweepId)).Raw("</code> · ")
            .Raw(HtmlWriter.Encode($"{table.Rows.Count} trial{(table.Rows.Count == 1 ? "" : "s")}"));
        foreach (string status in new[] { "completed", "diverged", "failed", "running", "queued" }.Concat(counts.Keys.Order(StringComparer.Ordinal)).Distinct())
        {
            if (counts.TryGetValue(status, out int n))
            {
                html.Raw($" · <span class=\"status status-{MetricNames.Slug(status)}\">")
                    .Raw(HtmlWriter.Encode($"{n} {status}")).Raw("</span>");
            }
        }

        html.Raw("</div>\n</header>\n");

        int diverged = counts.GetValueOrDefault("diverged");
        if (diverged > 0)
        {
            html.Raw("<div class=\"banner\">")
                .Raw(HtmlWriter.Encode($"{diverged} of {table.Rows.Count} trials diverged: a red × marks them in the phase diagrams, "
                    + "and the line plots leave them out of every mean."))
                .Raw("</div>\n");
        }

        html.Heading("Axes");
        if (axes.Count == 0)
        {
            html.Paragraph("This sweep has no axes.", "empty");
        }
        else
        {
            html.Table(["axis", "values", "count", "drawn as"], axes.Select(a => (IReadOnlyList<string>)[a.Path, ValueList(a), a.Texts.Count.ToString(CultureInfo.InvariantCulture), Kind(a)]));
        }

        if (heatmaps.Count + lines.Count == 0)
        {
            html.Heading("Plots");
            html.Paragraph(NoFiguresText, "empty");
        }

        if (heatmaps.Count > 0)
        {
            html.Heading("Phase diagrams");
            html.Figures(heatmaps);
        }

        if (lines.Count > 0)
        {
            html.Heading("Along one axis");
            html.Figures(lines);
        }

        html.Notes(notes);

        html.Heading($"Trials ({table.Rows.Count})");
        if (table.Rows.Count == 0)
        {
            html.Paragraph("No trials.", "empty");
        }
        else
        {
            html.Raw(TrialTable(table));
        }

        return html.Finish();
    }

    /// <summary>How an axis is used: plotted against on a log or linear scale, averaged over (a seed), constant, or categorical.</summary>
    internal static string Kind(SweptAxis a) =>
        a.IsSeed ? "seed: averaged over"
        : !a.Varies ? "constant"
        : !a.IsNumeric ? "categorical: one line per value where it is the only other axis, else averaged over"
        : a.Log ? "numeric, log-spaced: log axis"
        : "numeric: linear axis";

    private static string ValueList(SweptAxis a)
    {
        IEnumerable<string> shown = a.Texts.Count <= MaxListedValues
            ? a.Texts
            : [.. a.Texts.Take(MaxListedValues / 2), "…", .. a.Texts.Skip(a.Texts.Count - (MaxListedValues / 2))];
        return string.Join(", ", shown.Select((t, i) => a.IsNumeric && t != "…" ? SweepAxes.TickLabel(double.Parse(t, CultureInfo.InvariantCulture), t) : t));
    }

    /// <summary>One row per trial: status as a badge, axis values as given, summary values to six digits (– when missing).</summary>
    internal static string TrialTable(SummaryTable table)
    {
        var s = new StringBuilder("<table class=\"trials\">\n<tr>");
        foreach (string c in table.Columns)
        {
            s.Append("<th>").Append(HtmlWriter.Encode(c)).Append("</th>");
        }

        s.Append("</tr>\n");
        foreach (SummaryRow r in table.Rows.OrderBy(r => r.Trial))
        {
            s.Append("<tr><td class=\"num\">").Append(r.Trial.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(HtmlWriter.Encode(r.Run ?? "–")).Append("</td><td>")
                .Append("<span class=\"status status-").Append(MetricNames.Slug(r.Status)).Append("\">").Append(HtmlWriter.Encode(r.Status)).Append("</span></td>");
            foreach (string a in table.AxisPaths)
            {
                string v = r.Axes.TryGetValue(a, out string? t) ? t : "";
                bool numeric = SweepAxes.TryNumber(v, out _);
                s.Append(numeric ? "<td class=\"num\">" : "<td>").Append(HtmlWriter.Encode(HtmlWriter.SummaryValue(v))).Append("</td>");
            }

            foreach (string n in table.SummaryNames)
            {
                double v = r.Values.TryGetValue(n, out double x) ? x : double.NaN;
                s.Append("<td class=\"num\">").Append(double.IsNaN(v) ? "–" : HtmlWriter.Encode(HtmlWriter.Number(v))).Append("</td>");
            }

            s.Append("</tr>\n");
        }

        return s.Append("</table>\n").ToString();
    }
}
