using Gradscope.Lab.Report;

namespace Gradscope.Tests.Lab.Report;

/// <summary>What each figure draws, checked on the chart description (no pixels).</summary>
public class PlotChoiceTests
{
    private static readonly XAxisChoice GdAxes = XAxisChoice.For(SyntheticRuns.Run());

    private static MetricTable Table(params ReportMetric[] metrics) => MetricTable.From(metrics);

    [Fact]
    public void ModeTheoryIsDashedSameColourAndDrawnAfterEveryMeasuredMode()
    {
        ChartSpec spec = ModeStrengthPlot.Build(MetricTable.From(SyntheticRuns.SaxeGd(steps: 40)), GdAxes)!;

        ChartLine[] measured = [.. spec.Lines.Take(3)];
        ChartLine[] theory = [.. spec.Lines.Skip(3)];
        Assert.Equal(6, spec.Lines.Count);
        Assert.Equal(["mode 1", "mode 2", "mode 3"], measured.Select(l => l.Legend));
        Assert.All(measured, l => Assert.False(l.Dashed));
        Assert.All(theory, l => Assert.True(l.Dashed));
        Assert.Equal(measured.Select(l => l.Color), theory.Select(l => l.Color));
        Assert.Equal(3, measured.Select(l => l.Color).Distinct().Count());
        Assert.Contains(spec.ExtraLegend, e => e.Dashed);
        Assert.False(spec.UsesLogY);
    }

    [Fact]
    public void ModeCurvesAreTheRecordedValuesAgainstTime()
    {
        List<ReportMetric> metrics = SyntheticRuns.SaxeGd(steps: 40);
        ChartSpec spec = ModeStrengthPlot.Build(MetricTable.From(metrics), GdAxes)!;

        Assert.StartsWith("time", spec.XLabel, StringComparison.Ordinal);
        ReportMetric[] theory2 = [.. metrics.Where(m => m.Name == "theory/mode/2")];
        Curve drawn = spec.Lines[4].Curve;
        Assert.Equal(theory2.Select(m => m.Time), drawn.X);
        Assert.Equal(theory2.Select(m => m.Value), drawn.Y);
        // And the synthetic theory is Saxe's closed form, so this checks the fixture as well.
        Assert.Equal(SyntheticRuns.SaxeTwoLayer(3, 1e-3, 0.2), drawn.Y[20], 12);
    }

    [Fact]
    public void TheoryWithoutMeasurementIsStillDrawnAndLabelled()
    {
        ChartSpec spec = ModeStrengthPlot.Build(Table(new(0, 0, "theory/mode/1", 0.1), new(1, 0.1, "theory/mode/1", 0.2)), GdAxes)!;

        ChartLine line = Assert.Single(spec.Lines);
        Assert.True(line.Dashed);
        Assert.Equal("theory 1", line.Legend);
        Assert.Empty(spec.ExtraLegend);
    }

    [Fact]
    public void StepIsTheAxisOfNonModePlotsExceptForFlowRuns()
    {
        MetricTable table = Table(new(0, 0, "loss/train", 1), new(5, 0.5, "loss/train", 0.5));
        var flow = XAxisChoice.For(new ReportRun("r", "n", "completed", """{"optimizer":{"kind":"flow","method":"dopri5"}}""", new Dictionary<string, string>()));

        Assert.Equal("step", LossPlot.Build(table, GdAxes)!.XLabel);
        Assert.StartsWith("time", LossPlot.Build(table, flow)!.XLabel, StringComparison.Ordinal);
        Assert.Equal([0.5], LossPlot.Build(table, flow)!.Lines[0].Curve.X.Skip(1));
    }

    [Fact]
    public void TimeAxisFallsBackToStepWhenNoTimesWereRecorded()
    {
        MetricTable table = Table(new(0, 0, "mode/1", 0.1), new(3, 0, "mode/1", 0.2));

        ChartSpec spec = ModeStrengthPlot.Build(table, GdAxes)!;

        Assert.Equal("step", spec.XLabel);
        Assert.Equal([0.0, 3.0], spec.Lines[0].Curve.X);
    }

    [Theory]
    [InlineData(new[] { 10.0, 1.0, 0.01 }, true)]      // three decades, positive
    [InlineData(new[] { 10.0, 0.2 }, false)]            // 50x: under two decades
    [InlineData(new[] { 10.0, 0.0, 1e-5 }, false)]      // a zero has no place on a log axis
    [InlineData(new[] { 10.0, -1.0, 1e-5 }, false)]
    [InlineData(new double[0], false)]
    public void LogScaleOnlyForPositiveDataSpanningMoreThanTwoDecades(double[] values, bool log) =>
        Assert.Equal(log, AxisScale.ShouldUseLog([values]));

    [Theory]
    [InlineData(0, "1")]
    [InlineData(-3, "0.001")]
    [InlineData(3, "1000")]
    [InlineData(-4, "1e-4")]
    [InlineData(12, "1e12")]
    public void LogTicksAreLabelledAsPowersOfTen(double exponent, string label) =>
        Assert.Equal(label, AxisScale.PowerOfTenLabel(exponent));

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(2.5e-11, "2.5e-11")]
    [InlineData(-1.25e-10, "-1.25e-10")]
    [InlineData(3e7, "3e7")]
    [InlineData(0.5, "0.5")]
    public void LinearTicksStayDistinctAtTinyAndHugeMagnitudes(double value, string label) =>
        Assert.Equal(label, AxisScale.LinearLabel(value));

    [Fact]
    public void BalancednessPairsNameTheirLayers()
    {
        ChartSpec spec = BalancednessPlot.Build(Table(new(0, 0, "balancedness/0", 1e-3), new(0, 0, "balancedness/1", 2e-3)), GdAxes)!;

        Assert.Equal(["layers 0, 1", "layers 1, 2"], spec.Lines.Select(l => l.Legend));
    }

    [Fact]
    public void LossIsTrainThenTestAndLogWhenItFallsFar()
    {
        MetricTable table = Table(
            new(0, 0, "loss/test", 12), new(0, 0, "loss/train", 10), new(100, 1, "loss/test", 0.2), new(100, 1, "loss/train", 0.001));

        ChartSpec spec = LossPlot.Build(table, GdAxes)!;

        Assert.Equal(["train", "test"], spec.Lines.Select(l => l.Legend));
        Assert.True(spec.UsesLogY);
    }

    [Fact]
    public void GlobalGradNormIsDrawnLastOverThePerLayerNorms()
    {
        MetricTable table = Table(new(0, 0, "grad_norm/layers.1.weight", 1), new(0, 0, "grad_norm", 2), new(0, 0, "grad_norm/layers.0.weight", 1));

        ChartSpec spec = GradNormPlot.Build(table, GdAxes)!;

        Assert.Equal(["layers.0.weight", "layers.1.weight", "global"], spec.Lines.Select(l => l.Legend));
        Assert.Equal(Palette.Aggregate, spec.Lines[^1].Color);
        // Per-layer norms can coincide (balanced layers): each is narrower than the previous so all stay visible.
        Assert.True(spec.Lines[0].Width > spec.Lines[1].Width);
    }

    [Fact]
    public void SingularValuesTakeOneColourPerLayerAndOneLegendRowPerLayer()
    {
        var metrics = new List<ReportMetric>();
        foreach (string p in new[] { "layers.10.weight", "layers.2.weight" })
        {
            for (int k = 1; k <= 3; k++)
            {
                metrics.Add(new(0, 0, $"sv/{p}/{k}", 1.0 / k));
            }
        }

        ChartSpec spec = SingularValuePlot.Build(MetricTable.From(metrics), GdAxes)!;

        Assert.Equal(6, spec.Lines.Count);
        Assert.Equal(["layers.2.weight (σ_1..σ_3)", "layers.10.weight (σ_1..σ_3)"], spec.Lines.Where(l => l.Legend is not null).Select(l => l.Legend));
        Assert.Single(spec.Lines.Take(3).Select(l => l.Color).Distinct());
        Assert.NotEqual(spec.Lines[0].Color, spec.Lines[3].Color);
        // Both layers have identical spectra here; the first layer drawn is the widest, so the second shows inside it.
        Assert.True(spec.Lines[0].Width > spec.Lines[3].Width);
    }

    [Fact]
    public void OtherMetricsAreGroupedByFamilyIntoSmallPlots()
    {
        var metrics = new List<ReportMetric>
        {
            new(0, 0, "accuracy/train", 0.5), new(0, 0, "accuracy/test", 0.4), new(0, 0, "param_norm", 3), new(0, 0, "loss/train", 1),
        };
        for (int k = 1; k <= 15; k++)
        {
            metrics.Add(new(0, 0, $"hessian/eig/{k}", 1.0 / k));
        }

        ChartSpec[] specs = [.. FamilyPlots.Build(MetricTable.From(metrics), GdAxes)];

        Assert.Equal(["metric_accuracy", "metric_hessian", "metric_param_norm"], specs.Select(s => s.Key));
        Assert.Equal(["test", "train"], specs[0].Lines.Select(l => l.Legend));
        Assert.Equal(FamilyPlots.MaxLines, specs[1].Lines.Count);
        Assert.Equal("hessian (12 of 15 shown)", specs[1].Title);
        Assert.Equal("param_norm", specs[2].Title);
        Assert.Null(Assert.Single(specs[2].Lines).Legend);
        Assert.All(specs, s => Assert.Equal((ChartSpec.SmallWidth, ChartSpec.SmallHeight), (s.Width, s.Height)));
    }

    [Fact]
    public void AbsentFamiliesAreSkipped()
    {
        var notes = new List<string>();

        List<ChartSpec> charts = RunCharts.Build(Table(new(0, 0, "loss/train", 1), new(1, 0.1, "loss/train", 0.5)), GdAxes, notes);

        Assert.Equal(["loss"], charts.Select(c => c.Key));
        Assert.Empty(notes);
        Assert.Null(ModeStrengthPlot.Build(Table(new ReportMetric(0, 0, "loss/train", 1)), GdAxes));
        Assert.Null(BalancednessPlot.Build(Table(new ReportMetric(0, 0, "loss/train", 1)), GdAxes));
    }

    [Fact]
    public void DivergencePointIsTheEarliestNonFiniteAbscissaOfAnyLine()
    {
        MetricTable table = Table(
            new(0, 0, "loss/train", 1), new(7, 0.7, "loss/train", double.NaN), new(9, 0.9, "loss/train", double.PositiveInfinity),
            new(0, 0, "loss/test", 1), new(5, 0.5, "loss/test", double.NegativeInfinity));

        ChartSpec spec = LossPlot.Build(table, GdAxes)!;

        Assert.Equal(5.0, spec.DivergenceX);
        Assert.All(spec.Lines, l => Assert.All(l.Curve.Y, y => Assert.True(double.IsFinite(y))));
    }
}
