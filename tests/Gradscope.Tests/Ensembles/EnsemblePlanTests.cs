using Gradscope.Ensembles;
using static Gradscope.Tests.Ensembles.EnsembleFixture;

namespace Gradscope.Tests.Ensembles;

public class EnsemblePlanTests
{
    [Fact]
    public void SeedsLearningRatesMomentaWeightDecaysAndInitScalesMayDiffer()
    {
        var specs = new[]
        {
            Spec(1, 0.01, "kind: momentum, momentum: 0.9", init: "{ kind: normal, std: 0.1 }"),
            Spec(2, 0.03, "kind: momentum, momentum: 0.5, weight_decay: 0.001", init: "{ kind: normal, std: 0.7 }"),
            Spec(3, 0.1, "kind: momentum, momentum: 0.0", init: "{ kind: normal, std: 1.0 }") with { Name = "other-name", Notes = "x" },
        };
        var (ok, reason) = EnsemblePlan.CanBatch(specs);
        Assert.True(ok, reason);
        Assert.Null(reason);
    }

    [Fact]
    public void DifferentWidthsAreRejectedNamingTheKey()
    {
        var (ok, reason) = EnsemblePlan.CanBatch([Spec(1, 0.01), Spec(2, 0.01, widths: "[5, 8, 1]")]);
        Assert.False(ok);
        Assert.StartsWith("model.widths differs", reason);
        Assert.Contains("[5, 16, 1] in spec 0, [5, 8, 1] in spec 1", reason);
    }

    [Fact]
    public void DifferentOptimizerKindsAreRejectedNamingTheKey()
    {
        var (ok, reason) = EnsemblePlan.CanBatch([Spec(1, 0.01, "kind: momentum"), Spec(1, 0.01, "kind: nesterov")]);
        Assert.False(ok);
        Assert.StartsWith("optimizer.kind differs", reason);
    }

    [Fact]
    public void MinibatchesAreRejectedNamingTheKey()
    {
        var (ok, reason) = EnsemblePlan.CanBatch([Spec(1, 0.01, batch: "16"), Spec(2, 0.01, batch: "16")]);
        Assert.False(ok);
        Assert.StartsWith("optimizer.batch_size:", reason);
        Assert.Contains("full-batch", reason);
        (ok, reason) = EnsemblePlan.CanBatch([Spec(1, 0.01, batch: "16"), Spec(2, 0.01, batch: "32")]);
        Assert.False(ok);
        Assert.StartsWith("optimizer.batch_size differs", reason);
        // A batch of every training sample is a full batch.
        (ok, reason) = EnsemblePlan.CanBatch([Spec(1, 0.01, batch: "64"), Spec(2, 0.02, batch: "64")]);
        Assert.True(ok, reason);
    }

    [Fact]
    public void OtherDifferencesAndUnsupportedSettingsNameTheirKey()
    {
        Assert.StartsWith("steps differs", EnsemblePlan.CanBatch([Spec(1, 0.01), Spec(1, 0.01, steps: 100)]).Reason);
        Assert.StartsWith("probes.1.every differs", EnsemblePlan.CanBatch([Spec(1, 0.01),
            Spec(1, 0.01, probes: DefaultProbes.Replace("param-norm, every: 25", "param-norm, every: 5"))]).Reason);
        Assert.StartsWith("model.activation differs", EnsemblePlan.CanBatch([Spec(1, 0.01), Spec(1, 0.01, activation: "relu")]).Reason);
        Assert.StartsWith("dtype differs", EnsemblePlan.CanBatch([Spec(1, 0.01), Spec(1, 0.01, dtype: "float32")]).Reason);
        Assert.StartsWith("optimizer.kind: rmsprop", EnsemblePlan.CanBatch([Spec(1, 0.01, "kind: rmsprop")]).Reason);
        Assert.StartsWith("model.activation: gelu", EnsemblePlan.CanBatch([Spec(1, 0.01, activation: "gelu")]).Reason);
        Assert.StartsWith("probes.1.kind: sharpness", EnsemblePlan.CanBatch([Spec(1, 0.01,
            probes: "  - { kind: loss, every: 1 }\n  - { kind: sharpness, every: 10 }")]).Reason);
        Assert.StartsWith("optimizer.clip_norm:", EnsemblePlan.CanBatch([Spec(1, 0.01, "kind: gd, clip_norm: 1.0")]).Reason);
        Assert.False(EnsemblePlan.CanBatch([]).Ok);
    }
}
