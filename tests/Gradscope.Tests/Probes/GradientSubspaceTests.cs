using Gradscope.Data;
using Gradscope.Lab;
using Gradscope.Lab.Spec;
using Gradscope.Probes;

namespace Gradscope.Tests.Probes;

/// <summary>
/// Gur-Ari, Roberts &amp; Dyer (2018): soon after training starts, the gradient lies almost entirely in
/// the top-k Hessian eigenspace, k = number of classes — far above the k/P of a random subspace.
/// On 10-class Fashion-MNIST (Debian's dataset-fashion-mnist, which test.sh installs).
/// </summary>
public class GradientSubspaceTests
{
    private static bool Installed => FashionMnist.FileNames.All(f => File.Exists(Path.Combine(FashionMnist.DefaultDirectory, f)));

    private const string Spec = """
        name: subspace-fashion-mnist
        seed: 1
        dtype: float32
        data: { kind: fashion-mnist, train_samples: 500, test_samples: 100, standardize: true }
        model: { kind: mlp, widths: [784, 32, 10], activation: relu, bias: true }
        loss: cross-entropy
        optimizer: { kind: gd, lr: 0.1 }
        steps: 60
        probes:
          - { kind: gradient-subspace, every: 10 }
        """;

    [Fact]
    public void GradientLiesInTheTopTenEigenspaceSoonAfterTrainingStarts()
    {
        if (!Installed)
        {
            return; // dataset-fashion-mnist absent: nothing to train on (test.sh installs it)
        }
        var exp = ExperimentBuilder.Build<float>(SpecLoader.Parse(Spec, "yaml"));
        var sink = new MemorySink();
        exp.Run(exp.Start(), sink, null, null, default);
        var overlap = sink.Rows.Where(r => r.Name == "subspace/overlap").ToDictionary(r => r.Step, r => r.Value);
        double random = sink.Values("subspace/random")[0];
        Assert.Equal(10.0 / exp.Model.ParameterCount, random, 12);
        foreach (long step in new long[] { 20, 30, 40, 50, 60 })
        {
            Assert.True(overlap[step] >= 0.8, $"overlap {overlap[step]:F3} at step {step} (random subspace: {random:E1})");
        }
    }
}
