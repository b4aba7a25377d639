using Gradscope.Lab;
using Gradscope.Lab.Spec;
using Gradscope.Probes;
using Gradscope.Probes.Curvature;
using Gradscope.Tests.Lab.Spec;

namespace Gradscope.Tests.Probes;

/// <summary>
/// Issue 4's acceptance on Cohen et al.'s chebyshev-5-20 task, with the gallery's own specs:
/// after sharpness first reaches 2/η its median stays within 10% of 2/η at each of three learning
/// rates; Adam's preconditioned sharpness settles within 10% of 38/η; gradient flow from the same
/// start sharpens past every 2/η line.
/// </summary>
public class EdgeOfStabilityTests
{
    private static MemorySink Run(string file)
    {
        var spec = SpecLoader.LoadFile(Path.Combine(SpecTestKit.RepoRoot(), "gallery", "eos", file));
        var exp = ExperimentBuilder.Build<double>(spec);
        var sink = new MemorySink();
        exp.Run(exp.Start(), sink, null, null, default);
        return sink;
    }

    private static (long, double)[] Series(MemorySink s, string name) => s.Rows.Where(r => r.Name == name).Select(r => (r.Step, r.Value)).ToArray();

    [Theory]
    [InlineData("1-chebyshev-gd-lr0.1.yaml", 0.1)]
    [InlineData("2-chebyshev-gd-lr0.14.yaml", 0.14)]
    [InlineData("3-chebyshev-gd-lr0.2.yaml", 0.2)]
    public void GdSharpnessHoversAtTwoOverEta(string file, double lr)
    {
        var sink = Run(file);
        var sharpness = Series(sink, "sharpness");
        Assert.True(sharpness[0].Item2 < 0.9 * 2 / lr, $"the run must start below 2/η to show progressive sharpening, starts at {sharpness[0].Item2}");
        var eos = EdgeOfStability.Summarise(sharpness, Series(sink, "sharpness/threshold"));
        Assert.NotNull(eos);
        Assert.InRange(eos.MedianRatio, 0.9, 1.1);
        Assert.True(eos.Records > 100, $"only {eos.Records} records after reaching 2/η");
        Assert.All(Series(sink, "sharpness/threshold"), t => Assert.Equal(2 / lr, t.Item2, 12));

        // At the edge the loss still falls overall, but not monotonically.
        var loss = Series(sink, "loss/train").Select(x => x.Item2).ToArray();
        Assert.True(loss[^1] < 0.5 * loss[0], $"loss {loss[0]} -> {loss[^1]}");
        int ups = loss.Skip(1).Zip(loss).Count(p => p.First > p.Second);
        Assert.True(ups > 10, $"the loss rose only {ups} times between records");
    }

    [Fact]
    public void AdamPreconditionedSharpnessHoversAt38OverEta()
    {
        var sink = Run("5-chebyshev-adam.yaml");
        var eos = EdgeOfStability.Summarise(Series(sink, "sharpness/preconditioned"), Series(sink, "sharpness/preconditioned/threshold"));
        Assert.NotNull(eos);
        Assert.InRange(eos.MedianRatio, 0.9, 1.1);
        Assert.Equal(38 / 0.003, Series(sink, "sharpness/preconditioned/threshold")[0].Item2, 6);
    }

    [Fact]
    public void GradientFlowSharpensPastEveryThreshold()
    {
        var sharpness = Series(Run("4-chebyshev-flow.yaml"), "sharpness").Select(x => x.Item2).ToArray();
        Assert.True(sharpness[^1] > 2 / 0.1 * 1.5, $"flow's final sharpness {sharpness[^1]} should be far above the largest 2/η = 20");
    }

    [Fact]
    public void SummaryIsTheMedianRatioAfterTheFirstCrossing()
    {
        (long, double, double)[] r = [(0, 1, 10), (10, 5, 10), (20, 11, 10), (30, 9, 10), (40, 10.5, 10), (50, 8, 10)];
        var s = EdgeOfStability.Summarise(r)!;
        Assert.Equal(20, s.FirstStep);
        Assert.Equal(4, s.Records);
        Assert.Equal((0.9 + 1.05) / 2, s.MedianRatio, 12);
        Assert.Null(EdgeOfStability.Summarise([(0, 1.0, 10.0), (1, 9.99, 10.0)]));
    }
}
