using System.Text.RegularExpressions;
using Gradscope.Lab.Report;

namespace Gradscope.Tests.Lab.Report;

public sealed partial class RunReportTests : IDisposable
{
    private readonly ReportTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WritesEveryFigureAsPngAndSvgPlusOnePage()
    {
        ReportResult result = RunReport.Write(SyntheticRuns.Run(), SyntheticRuns.SaxeGd(), _dir.Path);

        Assert.Equal(Path.Combine(_dir.Path, "index.html"), result.IndexHtml);
        Assert.Equal(result.IndexHtml, result.Files[0]);
        Assert.All(result.Files, f => Assert.True(File.Exists(f), f));
        Assert.Equal(
            ["loss", "modes", "grad_norm", "singular_values", "balancedness", "metric_param_norm", "metric_theory"],
            result.Figures.Select(f => f.Key));
        Assert.Equal(1 + 2 * result.Figures.Count, result.Files.Count);

        foreach (ReportFigure figure in result.Figures)
        {
            byte[] png = File.ReadAllBytes(figure.PngPath);
            (int w, int h) = ImageChecks.AssertPng(png);
            bool small = figure.Key.StartsWith("metric_", StringComparison.Ordinal);
            Assert.Equal(small ? (640, 400) : (900, 550), (w, h));
            // A drawn chart compresses to tens of kilobytes; a blank canvas to about one.
            Assert.InRange(png.Length, 8_000, 2_000_000);

            var svg = ImageChecks.AssertSvg(figure.SvgPath);
            Assert.Equal(w.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)svg.Attribute("width"));
        }
    }

    [Fact]
    public void PageIsSelfContainedWithTheFiguresEmbedded()
    {
        ReportRun run = SyntheticRuns.Run();
        ReportResult result = RunReport.Write(run, SyntheticRuns.SaxeGd(), _dir.Path);
        string html = File.ReadAllText(result.IndexHtml);

        Assert.Contains(run.Id, html, StringComparison.Ordinal);
        Assert.Contains(run.Name, html, StringComparison.Ordinal);
        Assert.Contains("completed", html, StringComparison.Ordinal);
        Assert.Contains("<style>", html, StringComparison.Ordinal);

        // Every embedded image is exactly the PNG written beside the page, in page order.
        string[] embedded = [.. EmbeddedPng().Matches(html).Select(m => m.Groups[1].Value)];
        Assert.Equal(result.Figures.Count, embedded.Length);
        for (int i = 0; i < embedded.Length; i++)
        {
            Assert.Equal(File.ReadAllBytes(result.Figures[i].PngPath), Convert.FromBase64String(embedded[i]));
        }

        // Nothing is fetched from elsewhere: every src is a data URI; no stylesheets or scripts are linked.
        Assert.All(SrcAttribute().Matches(html), m => Assert.StartsWith("data:", m.Groups[1].Value, StringComparison.Ordinal));
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void PageShowsTheSummaryAndThePrettyPrintedSpec()
    {
        ReportResult result = RunReport.Write(SyntheticRuns.Run(), SyntheticRuns.SaxeGd(steps: 50), _dir.Path);
        string html = File.ReadAllText(result.IndexHtml);

        Assert.Matches(@"<td>theory/max_rel_error</td><td class=""num"">0\.0042</td>", html);
        // The compact one-line spec comes out indented, one key per line (quotes HTML-encoded).
        Assert.Contains("\n  &quot;optimizer&quot;: {\n    &quot;kind&quot;: &quot;gd&quot;,", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.9632984127326836E-10", "1.9633E-10")]
    [InlineData("7.999999999998286", "8")]
    [InlineData("0.0042", "0.0042")]
    [InlineData("completed after 3 restarts", "completed after 3 restarts")]
    public void LongSummaryNumbersAreShownToSixDigits(string stored, string shown) =>
        Assert.Equal(shown, HtmlWriter.SummaryValue(stored));

    [Fact]
    public void RunWithoutMetricsStillWritesAPageSayingSo()
    {
        ReportResult result = RunReport.Write(SyntheticRuns.Run(id: "empty-run-1", status: "failed"), [], _dir.Path);

        Assert.Equal([result.IndexHtml], result.Files);
        Assert.Empty(result.Figures);
        string html = File.ReadAllText(result.IndexHtml);
        Assert.Contains("empty-run-1", html, StringComparison.Ordinal);
        Assert.Contains("No metrics were recorded for this run.", html, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.png"));
    }

    [Fact]
    public void DivergedRunIsDrawnWithTheFinitePartAndAMarker()
    {
        const int nanFrom = 400;
        List<ReportMetric> metrics = SyntheticRuns.SaxeGd(nanFromStep: nanFrom);
        metrics.Add(new ReportMetric(601, 6.01, "loss/train", double.PositiveInfinity));
        metrics.Add(new ReportMetric(601, 6.01, "grad_norm", double.NegativeInfinity));

        ReportResult result = RunReport.Write(SyntheticRuns.Run(status: "diverged"), metrics, _dir.Path);

        string html = File.ReadAllText(result.IndexHtml);
        Assert.Contains($"Metrics stop being finite at step {nanFrom};", html, StringComparison.Ordinal);
        byte[] loss = File.ReadAllBytes(result.Figures.Single(f => f.Key == "loss").PngPath);
        ImageChecks.AssertPng(loss);
        // The red dashed divergence marker is drawn (Palette.Divergence = #b00020).
        Assert.True(ImageChecks.CountPixels(loss, "#b00020", tolerance: 20) > 100, "divergence marker missing");
        // The grad-norm plot, whose only bad value is the final -Inf, is drawn too.
        Assert.Contains(result.Figures, f => f.Key == "grad_norm");
    }

    [Fact]
    public void AllNonFiniteMetricIsNotPlottedButNoted()
    {
        ReportMetric[] metrics = [new(0, 0, "loss/train", double.NaN), new(1, 0.1, "loss/train", double.NaN), new(0, 0, "param_norm", 1.0)];

        ReportResult result = RunReport.Write(SyntheticRuns.Run(), metrics, _dir.Path);

        Assert.Equal(["metric_param_norm"], result.Figures.Select(f => f.Key));
        Assert.Contains(result.Notes, n => n.Contains("Loss", StringComparison.Ordinal));
    }

    [Fact]
    public void RunProvidedTextIsHtmlEncoded()
    {
        var run = new ReportRun("id<1>", "<script>alert(1)</script>", "completed", "{\"name\":\"</pre><b>\"}",
            new Dictionary<string, string> { ["<k>"] = "<v>" });

        string html = File.ReadAllText(RunReport.Write(run, [new(0, 0, "loss/train", 1.0)], _dir.Path).IndexHtml);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("</pre><b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("id&lt;1&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<td>&lt;k&gt;</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ModePlotShowsEveryModeAndItsDashedTheoryInTheModeColour()
    {
        ReportResult result = RunReport.Write(SyntheticRuns.Run(), SyntheticRuns.SaxeGd(), _dir.Path);
        byte[] modes = File.ReadAllBytes(result.Figures.Single(f => f.Key == "modes").PngPath);

        // Measured bands are translucent, so fully saturated pixels of a mode colour come from its opaque
        // theory dashes: each of the three modes must have a visible theory curve.
        foreach (string colour in new[] { "#1f77b4", "#ff7f0e", "#2ca02c" })
        {
            Assert.True(ImageChecks.CountPixels(modes, colour) > 300, $"no theory dashes in {colour}");
        }
    }

    [Fact]
    public void FiguresCarryTheirTitleAndAxisLabelsAsText()
    {
        ReportResult result = RunReport.Write(SyntheticRuns.Run(), SyntheticRuns.SaxeGd(steps: 50), _dir.Path);
        ReportFigure modes = result.Figures.Single(f => f.Key == "modes");

        // Skia emits no <text> at all when it has no font (SkiaSharp's NoDependencies build looks under
        // /usr/share/fonts only), and the PNG then has no text either.
        string[] texts = [.. ImageChecks.AssertSvg(modes.SvgPath).Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value)];
        Assert.True(texts.Length > 0, "figures have no text: install fonts-dejavu-core or set GRADSCOPE_FONT=/path/font.ttf");
        string all = string.Join("|", texts);
        Assert.Contains("Mode strengths vs theory", all, StringComparison.Ordinal);
        Assert.Contains("mode strength u_k", all, StringComparison.Ordinal);
        Assert.Contains("theory (dashed)", all, StringComparison.Ordinal);
        Assert.Empty(result.Notes);
    }

    [GeneratedRegex("data:image/png;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex EmbeddedPng();

    [GeneratedRegex("src=\"([^\"]*)\"")]
    private static partial Regex SrcAttribute();
}
