using Gradscope.Lab.Report;

namespace Gradscope.Tests.Lab.Report;

public class MetricNamesTests
{
    [Fact]
    public void NaturalOrderCountsNumbersAsNumbers()
    {
        string[] names = ["mode/10", "mode/2", "sv/layers.10.weight/1", "mode/1", "sv/layers.2.weight/1", "mode/02"];

        Assert.Equal(
            ["mode/1", "mode/2", "mode/02", "mode/10", "sv/layers.2.weight/1", "sv/layers.10.weight/1"],
            names.OrderBy(n => n, NaturalComparer.Instance));
    }

    [Theory]
    [InlineData("sv/layers.0.weight/3", "layers.0.weight", 3)]
    [InlineData("sv/w/12", "w", 12)]
    public void ParsesSingularValueNames(string name, string param, int k)
    {
        Assert.True(MetricNames.TrySingularValue(name, out string p, out int index));
        Assert.Equal((param, k), (p, index));
    }

    [Theory]
    [InlineData("sv/layers.0.weight")]
    [InlineData("sv//3")]
    [InlineData("sv/w/x")]
    [InlineData("svd/w/1")]
    public void RejectsMalformedSingularValueNames(string name) =>
        Assert.False(MetricNames.TrySingularValue(name, out _, out _));

    [Theory]
    [InlineData("mode/3", "mode/", 3, true)]
    [InlineData("theory/mode/12", "theory/mode/", 12, true)]
    [InlineData("mode/-1", "mode/", 0, false)]
    [InlineData("mode/x", "mode/", 0, false)]
    [InlineData("theory/mode/1", "mode/", 0, false)]
    public void ParsesIndexedNames(string name, string prefix, int index, bool ok)
    {
        Assert.Equal(ok, MetricNames.TryIndex(name, prefix, out int k));
        Assert.Equal(index, ok ? k : 0);
    }

    [Theory]
    [InlineData("loss/train", true)]
    [InlineData("grad_norm", true)]
    [InlineData("grad_norm/layers.0.weight", true)]
    [InlineData("theory/mode/1", true)]
    [InlineData("balancedness/2", true)]
    [InlineData("theory/max_rel_error", false)]
    [InlineData("accuracy/train", false)]
    [InlineData("grad_norms", false)]
    public void KnowsWhichNamesHaveADedicatedPlot(string name, bool dedicated) =>
        Assert.Equal(dedicated, MetricNames.HasDedicatedPlot(name));

    [Theory]
    [InlineData("hessian/eig/3", "hessian/eig")]
    [InlineData("balancedness/1", "balancedness")]
    [InlineData("loss/train", "loss/train")]
    [InlineData("sharpness", "sharpness")]
    [InlineData("a/", "a/")]
    public void ComparisonFoldsATrailingIndex(string name, string key) =>
        Assert.Equal(key, ComparisonCharts.OverlayKey(name));

    [Theory]
    [InlineData("Loss/Train", "loss_train")]
    [InlineData("hessian.eig", "hessian_eig")]
    [InlineData("///", "metric")]
    public void SlugsAreSafeFileStems(string text, string slug) => Assert.Equal(slug, MetricNames.Slug(text));

    [Fact]
    public void FlowIsReadFromTheSpecAndBadSpecsAreNotFlow()
    {
        Assert.True(XAxisChoice.IsFlowSpec("""{"optimizer":{"kind":"flow"}}"""));
        Assert.False(XAxisChoice.IsFlowSpec("""{"optimizer":{"kind":"gd"}}"""));
        Assert.False(XAxisChoice.IsFlowSpec("not json"));
        Assert.False(XAxisChoice.IsFlowSpec("[1,2]"));
        Assert.False(XAxisChoice.IsFlowSpec(""));
    }
}
