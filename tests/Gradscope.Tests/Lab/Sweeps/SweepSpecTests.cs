using Gradscope.Lab.Spec;
using Gradscope.Lab.Sweeps;

namespace Gradscope.Tests.Lab.Sweeps;

public class SweepSpecTests
{
    private const string Base = """
          name: tiny
          seed: 3
          data: { kind: linear-teacher, inputs: 4, outputs: 3, samples: 32, singular_values: [2, 1], whiten: true }
          model: { kind: deep-linear, widths: [4, 5, 3], init: { kind: normal, std: 0.3 } }
          optimizer: { kind: momentum, lr: 0.05, momentum: 0.9 }
          steps: 20
        """;

    private static SweepSpec Sweep(string rest) => SweepLoader.Parse("name: s\nbase:\n" + Base + "\n" + rest, "yaml");

    [Fact]
    public void GridIsTheCartesianProductAndEachTrialCarriesItsValues()
    {
        var s = Sweep("axes:\n  optimizer.lr: [0.01, 0.02, 0.05]\n  seed: [1, 2]\nsummary:\n  - { name: final, metric: loss/train, reduce: last }");
        var trials = SweepPlan.Expand(s);
        Assert.Equal(6, trials.Count);
        Assert.Equal([0.01, 0.01, 0.02, 0.02, 0.05, 0.05], trials.Select(t => t.Spec.Optimizer.Lr!.Value));
        Assert.Equal([1L, 2, 1, 2, 1, 2], trials.Select(t => t.Spec.Seed));
        Assert.Equal(["optimizer.lr=0.02", "seed=1"], trials[2].Overrides);
        Assert.All(trials, t => Assert.Equal(0.9, t.Spec.Optimizer.Momentum));
        Assert.Equal(trials.Select(t => t.Spec.Name).Distinct().Count(), trials.Count);
    }

    [Fact]
    public void AnAxisPathTheSpecDoesNotHaveIsAnErrorNamingIt()
    {
        var e = Assert.Throws<SpecException>(() => SweepPlan.Expand(Sweep("axes:\n  optimizer.lrr: [0.01]")));
        Assert.Contains(e.Errors, x => x.Path == "axes.optimizer.lrr" && x.Message.Contains("lr", StringComparison.Ordinal));
        var bad = Assert.Throws<SpecException>(() => SweepPlan.Expand(Sweep("axes:\n  optimizer.lr: [0.01, -1]")));
        Assert.Contains(bad.Errors, x => x.Path == "axes.optimizer.lr" && x.Message.Contains("-1", StringComparison.Ordinal));
    }

    [Fact]
    public void SweepKeysAreValidatedWithPaths()
    {
        Assert.Contains(Assert.Throws<SpecException>(() => Sweep("axes:\n  seed: [1]\ncombin: grid")).Errors, e => e.Path == "combin" && e.Message.Contains("combine", StringComparison.Ordinal));
        Assert.Contains(Assert.Throws<SpecException>(() => Sweep("axes:\n  seed: [1]\nsummary:\n  - { metric: loss/train, reduce: median }")).Errors, e => e.Path == "summary.0.reduce");
        Assert.Contains(Assert.Throws<SpecException>(() => Sweep("axes:\n  seed: [1]\ncombine: random")).Errors, e => e.Path == "trials");
        Assert.Contains(Assert.Throws<SpecException>(() => Sweep("axes:\n  optimizer.lr: { log_uniform: [0, 1], samples: 3 }")).Errors, e => e.Path == "axes.optimizer.lr.log_uniform");
        Assert.Contains(Assert.Throws<SpecException>(() => SweepLoader.Parse("name: s\naxes:\n  seed: [1]", "yaml")).Errors, e => e.Path == "base");
    }

    [Fact]
    public void SampledAxesAreSeededAndInRange()
    {
        var text = "axes:\n  optimizer.lr: { log_uniform: [1.0e-3, 1.0e-1], samples: 4 }\n  model.init.std: { log_space: [0.01, 1], points: 3 }\nseed: 5";
        var a = SweepPlan.Expand(Sweep(text));
        var b = SweepPlan.Expand(Sweep(text));
        Assert.Equal(12, a.Count);
        Assert.Equal(a.Select(t => t.Spec.Optimizer.Lr), b.Select(t => t.Spec.Optimizer.Lr));
        Assert.All(a, t => Assert.InRange(t.Spec.Optimizer.Lr!.Value, 1e-3, 1e-1));
        Assert.Equal([0.01, 0.1, 1.0], a.Take(3).Select(t => t.Spec.Model.Init.Std!.Value).ToArray(), (x, y) => Math.Abs(x - y) < 1e-12);

        var r = SweepPlan.Expand(Sweep("axes:\n  optimizer.lr: { uniform: [0.01, 0.02] }\n  seed: [1, 2, 3]\ncombine: random\ntrials: 7"));
        Assert.Equal(7, r.Count);
        Assert.All(r, t => Assert.Contains(t.Spec.Seed, new long[] { 1, 2, 3 }));
        Assert.Equal(7, r.Select(t => t.Spec.Optimizer.Lr).Distinct().Count());
    }

    [Fact]
    public void Reductions()
    {
        (long, double, double)[] r = [(0, 0, 3), (10, 1, 1), (20, 2, double.NaN), (30, 3, 0.5), (40, 4, 2)];
        double Of(string reduce, double? t = null) => SummaryReduce.Apply(new SummarySpec("x", "m", reduce, t), r);
        Assert.Equal(2, Of("last"));
        Assert.Equal(3, Of("first"));
        Assert.Equal(0.5, Of("min"));
        Assert.Equal(3, Of("max"));
        Assert.Equal(6.5 / 4, Of("mean"), 14);
        Assert.Equal(30, Of("first_step_below", 0.9));
        Assert.Equal(1, Of("first_time_below", 2));
        Assert.True(double.IsNaN(Of("first_step_below", 0.1)));
        Assert.True(double.IsNaN(SummaryReduce.Apply(new SummarySpec("x", "m", "last"), [])));
    }
}
