using System.Globalization;
using Gradscope.Lab.Report;
using Gradscope.Lab.Sweeps;

namespace Gradscope.Tests.Lab.Report;

/// <summary>The sweep report: axis analysis, seed averaging, cell layout, the figures chosen and the page written.</summary>
public sealed class SweepReportTests : IDisposable
{
    private readonly ReportTempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Lrs = ["0.001", "0.003", "0.01", "0.03", "0.1"];
    private static readonly string[] Gains = ["0.5", "1", "1.5", "2"];

    private static string S(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// lr (5, log-spaced) × init.gain (4, linear) × seed (2): the final loss falls with lr and rises with the gain; the
    /// run diverges when lr·gain² ≥ 0.09, and at lr·gain² = 0.0675 only seed 1 does (the edge). "steps" is NaN where
    /// the threshold was never reached; one trial failed, one is still queued.
    /// </summary>
    internal static SummaryTable PhaseSweep()
    {
        var rows = new List<SummaryRow>();
        int trial = 0;
        foreach (string lr in Lrs)
        {
            foreach (string gain in Gains)
            {
                foreach (int seed in new[] { 0, 1 })
                {
                    double l = double.Parse(lr, CultureInfo.InvariantCulture), g = double.Parse(gain, CultureInfo.InvariantCulture);
                    double stability = l * g * g;
                    bool diverged = stability >= 0.09 || (stability > 0.06 && seed == 1);
                    double loss = (2.0 * Math.Exp(-300 * l)) + (1e-3 * g * g * (1 + (0.1 * seed)));
                    double steps = loss < 0.1 ? Math.Round(1 / l) : double.NaN;
                    string status = diverged ? "diverged" : "completed";
                    if (lr == "0.003" && gain == "1" && seed == 1)
                    {
                        status = "failed";
                    }
                    else if (lr == "0.001" && gain == "2" && seed == 1)
                    {
                        status = "queued";
                    }

                    var values = status switch
                    {
                        "completed" => new Dictionary<string, double> { ["loss/final"] = loss, ["steps"] = steps },
                        "diverged" => new Dictionary<string, double> { ["loss/final"] = double.NaN, ["steps"] = double.NaN },
                        _ => new Dictionary<string, double> { ["loss/final"] = double.NaN, ["steps"] = double.NaN },
                    };
                    rows.Add(new SummaryRow(trial, status == "queued" ? null : $"run-{trial:D3}", status,
                        new Dictionary<string, string> { ["optim.lr"] = lr, ["init.gain"] = gain, ["seed"] = seed.ToString(CultureInfo.InvariantCulture) },
                        values));
                    trial++;
                }
            }
        }

        return new SummaryTable("sw-phase", ["optim.lr", "init.gain", "seed"], ["loss/final", "steps"], rows);
    }

    private static SummaryTable OneAxisSweep() =>
        new("sw-width", ["model.width", "data.seed"], ["loss/final"],
        [
            .. new[] { 8, 16, 32, 64, 128 }.SelectMany(w => new[] { 0, 1, 2 }.Select(seed => new SummaryRow(
                (w * 3) + seed, $"r{w}-{seed}", w == 128 && seed == 2 ? "diverged" : "completed",
                new Dictionary<string, string> { ["model.width"] = w.ToString(CultureInfo.InvariantCulture), ["data.seed"] = seed.ToString(CultureInfo.InvariantCulture) },
                new Dictionary<string, double> { ["loss/final"] = w == 128 && seed == 2 ? double.PositiveInfinity : (1.0 / w) + (0.002 * seed) }))),
        ]);

    private static SweptAxis Axis(SummaryTable t, string path) => SweepAxes.Analyse(t).Single(a => a.Path == path);

    [Theory]
    [InlineData(new[] { 1e-3, 1e-2, 1e-1 }, true)]
    [InlineData(new[] { 1e-3, 3e-3, 1e-2, 3e-2, 1e-1 }, true)] // 1-3-10 steps
    [InlineData(new[] { 8.0, 16, 32, 64, 128 }, true)]
    [InlineData(new[] { 0.5, 1, 2 }, true)]
    [InlineData(new[] { 1e-4, 1e-2 }, true)] // two values two decades apart
    [InlineData(new[] { 0.5, 1, 1.5, 2 }, false)] // linspace
    [InlineData(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 }, false)]
    [InlineData(new[] { 10.0, 20, 30, 40, 50, 60, 70, 80, 90, 100 }, false)] // a decade, but evenly spaced
    [InlineData(new[] { 1.0, 5 }, false)] // two values within a decade
    [InlineData(new[] { 1.0, 1.01, 1.0201 }, false)] // geometric but hardly spread
    [InlineData(new[] { -1.0, 1, 10, 100 }, false)] // not positive
    [InlineData(new[] { 0.0, 0.01, 0.1, 1 }, false)]
    [InlineData(new[] { 3.0 }, false)]
    public void LogSpacingIsDetectedFromTheValues(double[] values, bool log)
    {
        Assert.Equal(log, SweepAxes.IsLogSpaced(values));
        Assert.Equal(log, SweepAxes.IsLogSpaced([.. values.Reverse()])); // order does not matter
    }

    [Fact]
    public void LogUniformSamplesAreLogAndUniformSamplesAreLinear()
    {
        var rng = new System.Random(7);
        double[] logUniform = [.. Enumerable.Range(0, 30).Select(_ => Math.Pow(10, -5 + (4 * rng.NextDouble())))];
        double[] uniform = [.. Enumerable.Range(0, 30).Select(_ => 0.001 + rng.NextDouble())];
        Assert.True(SweepAxes.IsLogSpaced(logUniform));
        Assert.False(SweepAxes.IsLogSpaced(uniform));
    }

    [Fact]
    public void AxesAreAnalysedSeedsNumbersAndCategories()
    {
        var table = new SummaryTable("s", ["optim.lr", "data.seed", "optim.name", "model.depth"], ["x"],
        [
            Row(0, "completed", ("optim.lr", "1e-1"), ("data.seed", "0"), ("optim.name", "sgd"), ("model.depth", "2")),
            Row(1, "completed", ("optim.lr", "0.1"), ("data.seed", "1"), ("optim.name", "adam"), ("model.depth", "2")),
            Row(2, "completed", ("optim.lr", "0.01"), ("data.seed", "0"), ("optim.name", "sgd"), ("model.depth", "2")),
            Row(3, "completed", ("optim.lr", "0.001"), ("data.seed", "1"), ("optim.name", "adam"), ("model.depth", "2")),
        ]);
        var axes = SweepAxes.Analyse(table);

        SweptAxis lr = axes[0];
        Assert.True(lr.IsNumeric && lr.IsPlotAxis && lr.Log && !lr.IsSeed);
        Assert.Equal([0.001, 0.01, 0.1], lr.Values); // "1e-1" and "0.1" are one value, sorted
        Assert.Equal(["0.001", "0.01", "1e-1"], lr.Texts); // the first spelling is kept
        Assert.Equal(-2, lr.Coordinate(1), 12);
        Assert.True(axes[1].IsSeed && !axes[1].IsPlotAxis);
        Assert.True(axes[2] is { IsNumeric: false, Varies: true, IsPlotAxis: false });
        Assert.Equal(["sgd", "adam"], axes[2].Texts); // categories keep trial order
        Assert.False(axes[3].Varies); // a constant is no dimension
        Assert.True(SweepAxes.IsSeed("seed") && SweepAxes.IsSeed("init.seed") && !SweepAxes.IsSeed("seeds") && !SweepAxes.IsSeed("reseed.every"));
        Assert.False(SweepAxes.TryNumber("true", out _));
        Assert.False(SweepAxes.TryNumber("NaN", out _));
        Assert.True(SweepAxes.TryNumber("-0", out double z) && double.IsPositive(z));
    }

    private static SummaryRow Row(int trial, string status, params (string Path, string Value)[] axes) =>
        new(trial, $"r{trial}", status, axes.ToDictionary(a => a.Path, a => a.Value), new Dictionary<string, double> { ["x"] = trial });

    [Fact]
    public void SeedsAreAveragedAndDivergedTrialsLeftOut()
    {
        SummaryTable table = PhaseSweep();
        SweptAxis lr = Axis(table, "optim.lr"), gain = Axis(table, "init.gain");
        var cells = SweepAxes.Cells(table.Rows, "loss/final", [lr, gain]);

        Assert.Equal(20, cells.Count);
        // lr = 0.01, gain = 1: mean over the two seeds
        CellStats c = cells[new CellKey(2, 1)];
        double l0 = (2 * Math.Exp(-3)) + 1e-3, l1 = (2 * Math.Exp(-3)) + 1.1e-3;
        Assert.Equal(2, c.Used);
        Assert.Equal((l0 + l1) / 2, c.Mean, 12);
        Assert.Equal(c.Mean - (Math.Abs(l1 - l0) / Math.Sqrt(2)), c.Lo, 12);
        // lr = 0.03, gain = 1.5: seed 1 diverged, the mean is seed 0 alone (the edge)
        CellStats edge = cells[new CellKey(3, 2)];
        Assert.Equal((1, 1, false), (edge.Used, edge.Diverged, edge.AllDiverged));
        Assert.Equal((2 * Math.Exp(-9)) + (1e-3 * 2.25), edge.Mean, 12);
        // lr = 0.1, gain = 2: both diverged
        CellStats gone = cells[new CellKey(4, 3)];
        Assert.True(gone.AllDiverged);
        Assert.True(double.IsNaN(gone.Mean));
        // failed and queued trials are counted, not averaged
        Assert.Equal((1, 1), (cells[new CellKey(1, 1)].Used, cells[new CellKey(1, 1)].Failed));
        Assert.Equal((1, 1), (cells[new CellKey(0, 3)].Used, cells[new CellKey(0, 3)].Unfinished));

        // geometric mean on a log scale: sqrt(1e-4 · 1e-2) = 1e-3, band ×/÷ one std of log10
        var geo = CellStats.From([(TrialOutcome.Value, 1e-4), (TrialOutcome.Value, 1e-2), (TrialOutcome.Diverged, double.NaN)], logSpace: true);
        Assert.Equal(1e-3, geo.Mean, 15);
        Assert.Equal(1e-3 / Math.Pow(10, Math.Sqrt(2)), geo.Lo, 15);
        Assert.Equal(1, geo.Diverged);
    }

    [Fact]
    public void TrialsAreClassifiedByStatusAndValue()
    {
        SummaryRow R(string status, double v) => new(0, "r", status, new Dictionary<string, string>(), new Dictionary<string, double> { ["x"] = v });
        Assert.Equal(TrialOutcome.Value, SweepAxes.Classify(R("completed", 0.5), "x"));
        Assert.Equal(TrialOutcome.Missing, SweepAxes.Classify(R("completed", double.NaN), "x"));
        Assert.Equal(TrialOutcome.Missing, SweepAxes.Classify(R("completed", 1), "not-there"));
        Assert.Equal(TrialOutcome.Diverged, SweepAxes.Classify(R("completed", double.PositiveInfinity), "x"));
        Assert.Equal(TrialOutcome.Diverged, SweepAxes.Classify(R("completed", 1e200), "x"));
        Assert.Equal(TrialOutcome.Diverged, SweepAxes.Classify(R("diverged", 0.5), "x")); // never averaged in, even with a value
        Assert.Equal(TrialOutcome.Failed, SweepAxes.Classify(R("failed", 0.5), "x"));
        Assert.Equal(TrialOutcome.Unfinished, SweepAxes.Classify(R("running", 0.5), "x"));
        Assert.Equal(TrialOutcome.Unfinished, SweepAxes.Classify(R("queued", double.NaN), "x"));
    }

    [Fact]
    public void CellsAreEvenOnTheirScaleAndByRankWhenUneven()
    {
        SummaryTable table = PhaseSweep();
        var lr = SweepHeatmap.Layout(Axis(table, "optim.lr"));
        // 1-3-10 steps: log10 centres −3, −2.52, −2, −1.52, −1; edges half-way, all cells about equally wide
        Assert.True(lr.ToScale);
        Assert.Equal(-3, lr.Centres[0], 12);
        Assert.Equal((-3 + Math.Log10(0.003)) / 2, lr.Edges[1], 12);
        Assert.Equal(6, lr.Edges.Length);
        Assert.InRange(Enumerable.Range(0, 5).Max(lr.Width) / Enumerable.Range(0, 5).Min(lr.Width), 1, 1.2);

        var gain = SweepHeatmap.Layout(Axis(table, "init.gain"));
        Assert.Equal([0.25, 0.75, 1.25, 1.75, 2.25], gain.Edges);

        var uneven = SweepHeatmap.Layout([0.001, 0.002, 0.5, 1]);
        Assert.False(uneven.ToScale);
        Assert.Equal([0.0, 1, 2, 3], uneven.Centres);
        Assert.Equal([-0.5, 0.5, 1.5, 2.5, 3.5], uneven.Edges);
        Assert.True(SweepHeatmap.Layout([1.0, 2, 4]).ToScale); // 1 : 1.5 : 2, not too uneven
    }

    [Fact]
    public void TheHeatmapMarksDivergedCellsAndUsesALogColourScale()
    {
        SummaryTable table = PhaseSweep();
        var axes = SweepAxes.Analyse(table);
        Assert.True(SweepAxes.SummaryUsesLog(table, "loss/final")); // 2e-13 .. 1.5: many decades
        Assert.False(SweepAxes.SummaryUsesLog(table, "steps")); // 10 .. 100 is two decades, not more

        var f = SweepHeatmap.Build(table, "loss/final", axes[0], axes[1], [axes[2]], logValues: true, "k");
        Assert.True(f.Grid && f.LogColour);
        Assert.Equal(4, f.Cells.Values.Count(c => c.AllDiverged)); // (0.1, 1), (0.1, 1.5), (0.1, 2), (0.03, 2)
        Assert.Equal(1, f.Cells.Values.Count(c => c.Used > 0 && c.Diverged > 0));
        Assert.Contains("geometric mean", f.Caption, StringComparison.Ordinal);
        Assert.Contains("2 seeds", f.Caption, StringComparison.Ordinal);
        Assert.Contains("log colour scale", f.Caption, StringComparison.Ordinal);
        Assert.Contains("Red ×", f.Caption, StringComparison.Ordinal);
        Assert.Contains("1 failed", f.Caption, StringComparison.Ordinal);
        var bar = f.Plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>().Single();
        Assert.Contains("log colour scale", bar.Label, StringComparison.Ordinal);
    }

    [Fact]
    public void WritesPhaseDiagramsLinePlotsAndThePage()
    {
        SummaryTable table = PhaseSweep();
        ReportResult result = SweepReport.Write(table, _dir.Path, "lr × gain");

        Assert.Equal(Path.Combine(_dir.Path, "index.html"), result.IndexHtml);
        Assert.Equal(1 + (2 * result.Figures.Count), result.Files.Count);
        Assert.All(result.Files, f => Assert.True(File.Exists(f), f));
        // per summary: one heatmap (lr × gain; seed averaged), a line plot over each of lr and gain
        Assert.Equal(
            ["heatmap_loss_final__optim_lr__init_gain", "heatmap_steps__optim_lr__init_gain",
             "lines_loss_final__optim_lr", "lines_loss_final__init_gain", "lines_steps__optim_lr", "lines_steps__init_gain"],
            result.Figures.Select(f => f.Key));
        foreach (ReportFigure f in result.Figures)
        {
            var size = ImageChecks.AssertPng(File.ReadAllBytes(f.PngPath));
            Assert.Equal(f.Key.StartsWith("heatmap", StringComparison.Ordinal) ? (SweepHeatmap.Width, SweepHeatmap.Height) : (SweepLines.Width, SweepLines.Height), size);
            ImageChecks.AssertSvg(f.SvgPath);
        }

        string html = File.ReadAllText(result.IndexHtml);
        Assert.Contains($"<h1>{HtmlWriter.Encode("lr × gain")}</h1>", html, StringComparison.Ordinal);
        Assert.All(result.Figures, f => Assert.Contains($"<figure id=\"{f.Key}\">", html, StringComparison.Ordinal));
        Assert.Equal(result.Figures.Count, CountOf(html, "data:image/png;base64,"));
        Assert.Contains("<table class=\"trials\">", html, StringComparison.Ordinal);
        Assert.Equal(table.Rows.Count + 1, CountOf(html[html.IndexOf("<table class=\"trials\">", StringComparison.Ordinal)..], "<tr>"));
        Assert.Contains("<th>loss/final</th>", html, StringComparison.Ordinal);
        Assert.Contains("status-diverged", html, StringComparison.Ordinal);
        Assert.Contains("class=\"banner\"", html, StringComparison.Ordinal);
        Assert.Contains(result.Notes, n => n.Contains("1 trial failed", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("queued or running", StringComparison.Ordinal));

        // the diverged cells' red × is on the picture
        byte[] heat = File.ReadAllBytes(result.Figures[0].PngPath);
        Assert.True(ImageChecks.CountPixels(heat, "#b00020", tolerance: 30) > 400, "no red × on the phase diagram");
    }

    private static int CountOf(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    [Fact]
    public void LinesSplitByTheOtherAxisWithSeedBands()
    {
        SummaryTable table = PhaseSweep();
        var axes = SweepAxes.Analyse(table);
        var f = SweepLines.Build(table, "loss/final", axes[0], axes, logValues: true, "k");

        Assert.Same(axes[1], f.Group);
        Assert.Equal(["init.gain = 0.5", "init.gain = 1", "init.gain = 1.5", "init.gain = 2"], f.Series.Select(s => s.Legend));
        Assert.True(f.Bands && f.LogY && f.Connected);
        Assert.True(f.Series[3].Points[4]!.AllDiverged);
        Assert.Contains("diverged and are left out of the means", f.Caption, StringComparison.Ordinal);
        Assert.Contains("× along the top", f.Caption, StringComparison.Ordinal);
        Assert.Contains("2 seeds", f.Caption, StringComparison.Ordinal);
        Assert.NotEmpty(f.Plot.GetPlottables().OfType<ScottPlot.Plottables.FillY>());
    }

    [Fact]
    public void AOneAxisSweepGetsLinePlotsOnly()
    {
        SummaryTable table = OneAxisSweep();
        ReportResult result = SweepReport.Write(table, _dir.Path);

        ReportFigure figure = Assert.Single(result.Figures);
        Assert.Equal("lines_loss_final__model_width", figure.Key);
        Assert.Contains(result.Notes, n => n.Contains("line plots only", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("data.seed (3 values) is averaged over", StringComparison.Ordinal));

        var axes = SweepAxes.Analyse(table);
        Assert.True(axes[0].Log); // 8 .. 128 doubling
        var f = SweepLines.Build(table, "loss/final", axes[0], axes, logValues: false, "k");
        Assert.Null(f.Group);
        Assert.Equal(2, f.Series[0].Points[4]!.Used); // the ∞ seed is out of the mean
        Assert.Equal(1, f.Series[0].Points[4]!.Diverged);
        Assert.Contains("1 of 15 trials diverged", f.Caption, StringComparison.Ordinal);
        Assert.Contains("Sweep sw-width", File.ReadAllText(result.IndexHtml), StringComparison.Ordinal);
    }

    [Fact]
    public void ANonNumericSweepGetsOnlyTheTable()
    {
        var table = new SummaryTable("sw-opt", ["optim.name", "seed"], ["acc"],
        [
            .. new[] { "sgd", "adam", "rmsprop" }.SelectMany((o, i) => new[] { 0, 1 }.Select(s => new SummaryRow((i * 2) + s, $"r{i}{s}", "completed",
                new Dictionary<string, string> { ["optim.name"] = o, ["seed"] = s.ToString(CultureInfo.InvariantCulture) },
                new Dictionary<string, double> { ["acc"] = 0.9 + (0.01 * i) }))),
        ]);
        ReportResult result = SweepReport.Write(table, _dir.Path);

        Assert.Empty(result.Figures);
        Assert.Equal([result.IndexHtml], result.Files);
        string html = File.ReadAllText(result.IndexHtml);
        Assert.Contains(HtmlWriter.Encode(SweepPage.NoFiguresText), html, StringComparison.Ordinal);
        Assert.Contains("<td>rmsprop</td>", html, StringComparison.Ordinal);
        Assert.Contains(result.Notes, n => n.Contains("optim.name is not numeric", StringComparison.Ordinal));
    }

    [Fact]
    public void ACategoricalThirdAxisSplitsTheLines()
    {
        var rows = new List<SummaryRow>();
        foreach (string opt in new[] { "sgd", "adam" })
        {
            foreach (string lr in Lrs)
            {
                rows.Add(new SummaryRow(rows.Count, $"r{rows.Count}", "completed",
                    new Dictionary<string, string> { ["optim.name"] = opt, ["optim.lr"] = lr },
                    new Dictionary<string, double> { ["loss"] = (opt == "sgd" ? 1 : 0.5) * double.Parse(lr, CultureInfo.InvariantCulture) }));
            }
        }

        var table = new SummaryTable("sw", ["optim.name", "optim.lr"], ["loss"], rows);
        ReportResult result = SweepReport.Write(table, _dir.Path);
        Assert.Equal(["lines_loss__optim_lr"], result.Figures.Select(f => f.Key));
        var axes = SweepAxes.Analyse(table);
        var f = SweepLines.Build(table, "loss", axes[1], axes, SweepAxes.SummaryUsesLog(table, "loss"), "k");
        Assert.Equal(["optim.name = sgd", "optim.name = adam"], f.Series.Select(s => s.Legend));
        Assert.False(f.Bands); // one trial per point
    }

    [Fact]
    public void ARandomSearchIsDrawnAsDots()
    {
        var rng = new System.Random(3);
        var rows = Enumerable.Range(0, 24).Select(i =>
        {
            double lr = Math.Pow(10, -4 + (3 * rng.NextDouble())), wd = rng.NextDouble() * 0.1;
            return new SummaryRow(i, $"r{i}", lr > 0.05 ? "diverged" : "completed",
                new Dictionary<string, string> { ["lr"] = S(lr), ["wd"] = S(wd) },
                new Dictionary<string, double> { ["loss"] = lr > 0.05 ? double.NaN : 0.1 + wd - (lr * 2) });
        }).ToList();
        var table = new SummaryTable("sw-random", ["lr", "wd"], ["loss"], rows);
        var axes = SweepAxes.Analyse(table);

        var heat = SweepHeatmap.Build(table, "loss", axes[0], axes[1], [], false, "k");
        Assert.False(heat.Grid);
        Assert.Contains("random search", heat.Caption, StringComparison.Ordinal);
        var lines = SweepLines.Build(table, "loss", axes[0], axes, false, "k");
        Assert.False(lines.Connected);
        Assert.Null(lines.Group);
        ReportResult result = SweepReport.Write(table, _dir.Path);
        Assert.Equal(3, result.Figures.Count);
    }

    [Fact]
    public void NeverThrowsOnNaNInfinityOrEmptyTables()
    {
        double[] nasty = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, -5, 0, 1e-320];
        var rows = new List<SummaryRow>();
        int t = 0;
        foreach (string lr in Lrs)
        {
            foreach (string gain in Gains)
            {
                rows.Add(new SummaryRow(t, $"r{t}", t % 5 == 0 ? "diverged" : "completed",
                    new Dictionary<string, string> { ["optim.lr"] = lr, ["init.gain"] = gain },
                    new Dictionary<string, double> { ["a"] = nasty[t % nasty.Length], ["b"] = double.NaN, ["c"] = double.PositiveInfinity, ["d"] = 1 }));
                t++;
            }
        }

        string[] names = ["a", "b", "c", "d"];
        var tables = new[]
        {
            new SummaryTable("nasty", ["optim.lr", "init.gain"], names, rows),
            new SummaryTable("empty", ["optim.lr", "init.gain"], names, []),
            new SummaryTable("no-axes", [], names, [new SummaryRow(0, null, "queued", new Dictionary<string, string>(), new Dictionary<string, double>())]),
            new SummaryTable("no-summaries", ["optim.lr"], [], [.. rows.Select(r => r with { Values = new Dictionary<string, double>() })]),
            new SummaryTable("all-diverged", ["optim.lr", "init.gain"], ["a"], [.. rows.Select(r => r with { Status = "diverged" })]),
            new SummaryTable("missing-axis", ["optim.lr", "init.gain"], ["d"], [.. rows.Select((r, i) => i % 3 == 0 ? r with { Axes = new Dictionary<string, string>() } : r)]),
        };
        foreach (SummaryTable table in tables)
        {
            string dir = Path.Combine(_dir.Path, table.SweepId);
            ReportResult result = SweepReport.Write(table, dir);
            Assert.True(File.Exists(result.IndexHtml), table.SweepId);
            Assert.All(result.Figures, f => ImageChecks.AssertPng(File.ReadAllBytes(f.PngPath)));
        }

        Assert.Equal(12, SweepReport.Write(tables[0], Path.Combine(_dir.Path, "again")).Figures.Count);
    }

    [Fact]
    public void TickLabelsAndCellNumbersAreShort()
    {
        Assert.Equal("0.001", SweepAxes.TickLabel(0.001, "0.001"));
        Assert.Equal("0.00316", SweepAxes.TickLabel(0.0031622776601683794, "0.0031622776601683794"));
        Assert.Equal("3.16e-5", SweepAxes.TickLabel(3.1622776601683794e-5, "3.1622776601683794E-05"));
        Assert.Equal("0.123", SweepAxes.Short(0.12345));
        Assert.Equal("1.23e-5", SweepAxes.Short(1.2345e-5));
        Assert.Equal("n/a", SweepAxes.Short(double.NaN));
        Assert.True(SweepHeatmap.Luminance(new ScottPlot.Colormaps.Viridis().GetColor(0)) < 0.45); // dark end: white text
        Assert.True(SweepHeatmap.Luminance(new ScottPlot.Colormaps.Viridis().GetColor(1)) > 0.45);
    }
}
