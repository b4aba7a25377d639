using System.Globalization;
using System.Net;
using System.Text;

namespace Gradscope.Lab.Report;

/// <summary>
/// Builds the self-contained report page: inline CSS, figures as <c>data:image/png;base64</c> URIs, every
/// piece of run-provided text HTML-encoded (a run name is user input).
/// </summary>
internal sealed class HtmlWriter
{
    private readonly StringBuilder _html = new();

    public HtmlWriter(string title)
    {
        _html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"generator\" content=\"Gradscope\">\n")
            .Append("<title>").Append(Encode(title)).Append("</title>\n<style>\n")
            .Append(HtmlStyles.Css).Append("\n</style>\n</head>\n<body>\n");
    }

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>
    /// A summary value as shown: numbers to six significant digits (a store hands back 1.9632984127326836E-10,
    /// a reader wants 1.9633E-10; the full value stays in the store), anything else as given.
    /// </summary>
    public static string SummaryValue(string value) =>
        value.Length > 8 && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? Number(v) : value;

    public HtmlWriter Raw(string html)
    {
        _html.Append(html);
        return this;
    }

    public HtmlWriter Heading(string text)
    {
        _html.Append("<h2>").Append(Encode(text)).Append("</h2>\n");
        return this;
    }

    public HtmlWriter Paragraph(string text, string? cssClass = null)
    {
        _html.Append(cssClass is null ? "<p>" : $"<p class=\"{cssClass}\">").Append(Encode(text)).Append("</p>\n");
        return this;
    }

    public HtmlWriter StatusBadge(string status)
    {
        string css = "status status-" + MetricNames.Slug(status);
        _html.Append($"<span class=\"{css}\">").Append(Encode(status)).Append("</span>");
        return this;
    }

    /// <summary>A table; cells that parse as numbers are right-aligned in a monospace font.</summary>
    public HtmlWriter Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _html.Append("<table>\n<tr>");
        foreach (string h in header)
        {
            _html.Append("<th>").Append(Encode(h)).Append("</th>");
        }

        _html.Append("</tr>\n");
        foreach (IReadOnlyList<string> row in rows)
        {
            _html.Append("<tr>");
            foreach (string cell in row)
            {
                bool numeric = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
                _html.Append(numeric ? "<td class=\"num\">" : "<td>").Append(Encode(cell)).Append("</td>");
            }

            _html.Append("</tr>\n");
        }

        _html.Append("</table>\n");
        return this;
    }

    public HtmlWriter Preformatted(string text)
    {
        _html.Append("<pre>").Append(Encode(text)).Append("</pre>\n");
        return this;
    }

    public HtmlWriter Notes(IReadOnlyList<string> notes)
    {
        if (notes.Count == 0)
        {
            return this;
        }

        _html.Append("<ul class=\"notes\">\n");
        foreach (string note in notes)
        {
            _html.Append("<li>").Append(Encode(note)).Append("</li>\n");
        }

        _html.Append("</ul>\n");
        return this;
    }

    /// <summary>The figures, each embedded as a PNG data URI, with links to the PNG and SVG files beside the page.</summary>
    public HtmlWriter Figures(IReadOnlyList<WrittenFigure> figures)
    {
        _html.Append("<div class=\"figures\">\n");
        foreach (WrittenFigure f in figures)
        {
            string png = Path.GetFileName(f.Figure.PngPath);
            string svg = Path.GetFileName(f.Figure.SvgPath);
            _html.Append("<figure id=\"").Append(Encode(f.Figure.Key)).Append("\">\n")
                .Append("<img alt=\"").Append(Encode(f.Figure.Title)).Append("\" src=\"data:image/png;base64,")
                .Append(Convert.ToBase64String(f.Png)).Append("\">\n<figcaption>");
            if (f.Caption is not null)
            {
                _html.Append(Encode(f.Caption)).Append(' ');
            }

            _html.Append("<a href=\"").Append(Uri.EscapeDataString(svg)).Append("\">SVG</a> · ")
                .Append("<a href=\"").Append(Uri.EscapeDataString(png)).Append("\">PNG</a></figcaption>\n</figure>\n");
        }

        _html.Append("</div>\n");
        return this;
    }

    public HtmlWriter BeginDetails(string summary)
    {
        _html.Append("<details>\n<summary>").Append(Encode(summary)).Append("</summary>\n");
        return this;
    }

    public HtmlWriter EndDetails()
    {
        _html.Append("</details>\n");
        return this;
    }

    public string Finish() => _html.Append("</body>\n</html>\n").ToString();
}
