using System.Numerics;
using Gradscope.Ensembles;
using Gradscope.Lab.Spec;
using Gradscope.Probes;
using Gradscope.Training;
using Xunit.Abstractions;
using static Gradscope.Tests.Ensembles.EnsembleFixture;

namespace Gradscope.Tests.Ensembles;

/// <summary>Every replica of a batch reproduces its solo Trainer run: metrics (names, steps, times, values), outcome and final θ.</summary>
public class EnsembleRunnerTests(ITestOutputHelper output)
{
    private const double Tol = 1e-12;

    [Fact]
    public void SixteenReplicasOfFourLearningRatesAndFourSeedsMatchTheirSoloRuns()
    {
        double[] lrs = [0.005, 0.01, 0.02, 0.05];
        long[] seeds = [1, 2, 3, 4];
        var specs = lrs.SelectMany(lr => seeds.Select(s => Spec(s, lr))).ToArray();
        var (bitwise, total) = CompareWithSolo<double>(specs, expectAllCompleted: true);
        output.WriteLine($"{bitwise} of {total} compared values bitwise equal to the solo runs");
        // The batch mirrors the solo path's kernels op by op, so it is bitwise, not just within 1e-12:
        // a difference here means the solo path changed a kernel that ReplicaBatch does not follow yet.
        Assert.Equal(total, bitwise);
    }

    [Fact]
    public void ADivergingReplicaStopsAloneAndTheOthersMatchTheirSoloRuns()
    {
        var specs = new[] { Spec(1, 0.05, "kind: gd"), Spec(2, 400, "kind: gd"), Spec(3, 0.1, "kind: gd"), Spec(4, 0.02, "kind: gd") };
        var sinks = specs.Select(_ => new MemorySink()).ToArray();
        var results = EnsembleRunner.Run<double>(specs, sinks);
        Assert.Equal(RunOutcome.Diverged, results[1].Outcome);
        Assert.True(results[1].Steps < 200, $"diverged at step {results[1].Steps}");
        Assert.Contains("at step", results[1].Message);
        foreach (int r in new[] { 0, 2, 3 })
        {
            Assert.Equal(RunOutcome.Completed, results[r].Outcome);
            Assert.Equal(200, results[r].Steps);
        }
        CompareWithSolo<double>(specs, expectAllCompleted: false);
    }

    [Theory]
    [InlineData("kind: gd, weight_decay: 0.01")]
    [InlineData("kind: nesterov, momentum: 0.8, weight_decay: 0.001")]
    [InlineData("kind: adam")]
    [InlineData("kind: adamw, weight_decay: 0.05")]
    public void OtherOptimisersMatchTheirSoloRuns(string optimizer)
    {
        var specs = new[] { Spec(5, 0.01, optimizer, steps: 60), Spec(6, 0.03, optimizer, steps: 60), Spec(7, 0.002, optimizer, steps: 60) };
        CompareWithSolo<double>(specs, expectAllCompleted: true);
    }

    [Fact]
    public void PerReplicaMomentumWeightDecayAndInitScaleMatchTheirSoloRuns()
    {
        var specs = new[]
        {
            Spec(1, 0.02, "kind: momentum, momentum: 0.5", init: "{ kind: normal, std: 0.3 }"),
            Spec(1, 0.02, "kind: momentum, momentum: 0.9, weight_decay: 0.01", init: "{ kind: normal, std: 0.3 }"),
            Spec(2, 0.01, "kind: momentum, momentum: 0.0", init: "{ kind: normal, std: 1.0 }"),
        };
        CompareWithSolo<double>(specs, expectAllCompleted: true);
    }

    [Theory]
    [InlineData("relu", "[5, 16, 8, 1]", "standard")]
    [InlineData("sigmoid", "[5, 12, 1]", "standard")]
    [InlineData("tanh", "[5, 16, 1]", "ntk")]
    [InlineData("quadratic", "[5, 6, 1]", "mean-field")]
    public void DeeperNetsOtherActivationsParameterisationsAndFloat32MatchTheirSoloRuns(string activation, string widths, string parameterization)
    {
        var specs = new[] { Spec(3, 0.05, "kind: gd", steps: 80, widths: widths, activation: activation, parameterization: parameterization),
                            Spec(4, 0.1, "kind: gd", steps: 80, widths: widths, activation: activation, parameterization: parameterization) };
        CompareWithSolo<double>(specs, expectAllCompleted: true);
        var specs32 = specs.Select(s => s with { DType = DType.Float32 }).ToArray();
        CompareWithSolo<float>(specs32, expectAllCompleted: true, tol: 1e-5);
    }

    [Fact]
    public void ClassificationReplicasWithAccuracyMatchTheirSoloRuns()
    {
        const string probes = """
              - { kind: loss, every: 5 }
              - { kind: accuracy, every: 10 }
              - { kind: grad-norm, every: 20 }
            """;
        var specs = new[] { Spec(1, 0.1, "kind: gd", steps: 50, widths: "[5, 16, 3]", data: Mixture, probes: probes),
                            Spec(2, 0.3, "kind: gd", steps: 50, widths: "[5, 16, 3]", data: Mixture, probes: probes) };
        CompareWithSolo<double>(specs, expectAllCompleted: true);
    }

    [Fact]
    public void SerialAndParallelBatchesAgreeBitwise()
    {
        var specs = Enumerable.Range(1, 6).Select(s => Spec(s, 0.01 * s, steps: 40)).ToArray();
        double[][] Final(int threads)
        {
            using var e = EnsembleRunner.Prepare<double>(specs);
            e.Threads = threads;
            return e.Train(specs.Select(_ => (IMetricSink)new MemorySink()).ToArray(), default)
                .Select(r => r.Parameters.Flatten()).ToArray();
        }
        var serial = Final(1);
        var parallel = Final(2);
        for (int r = 0; r < specs.Length; r++)
        {
            Assert.Equal(serial[r], parallel[r]);
        }
    }

    [Fact]
    public void CancellationStopsTheRunningReplicaBeforeItsNextStepAndTheUnstartedOnesAtStepZero()
    {
        var specs = Enumerable.Range(1, 3).Select(s => Spec(s, 0.01, steps: 40)).ToArray();
        using var cts = new CancellationTokenSource();
        using var e = EnsembleRunner.Prepare<double>(specs);
        e.Threads = 1;
        var first = new CancellingSink(cts, atStep: 10);
        var results = e.Train([first, new MemorySink(), new MemorySink()], cts.Token);
        Assert.Equal(RunOutcome.Stopped, results[0].Outcome);
        Assert.Equal(11, results[0].Steps);
        Assert.Equal(10, first.Inner.Steps("loss/train").Max());
        Assert.All(results.Skip(1), r => Assert.Equal((RunOutcome.Stopped, 0L), (r.Outcome, r.Steps)));
    }

    private sealed class CancellingSink(CancellationTokenSource cts, long atStep) : IMetricSink
    {
        public MemorySink Inner { get; } = new();

        public void Write(long step, double time, string name, double value)
        {
            Inner.Write(step, time, name, value);
            if (step == atStep)
            {
                cts.Cancel();
            }
        }

        public void WriteVector(long step, double time, string name, ReadOnlySpan<double> values) => Inner.WriteVector(step, time, name, values);
    }

    [Fact]
    public void RunRejectsSpecsThatCannotBatchAndMismatchedSinks()
    {
        var specs = new[] { Spec(1, 0.01), Spec(2, 0.01, widths: "[5, 8, 1]") };
        var e = Assert.Throws<Gradscope.Lab.BadInputException>(() => EnsembleRunner.Run<double>(specs, [new MemorySink(), new MemorySink()]));
        Assert.Contains("model.widths", e.Message);
        var same = new[] { Spec(1, 0.01), Spec(2, 0.02) };
        Assert.Throws<Gradscope.Lab.BadInputException>(() => EnsembleRunner.Run<double>(same, [new MemorySink()]));
        Assert.Throws<Gradscope.Lab.BadInputException>(() => EnsembleRunner.Run<float>(same, [new MemorySink(), new MemorySink()]));
    }

    /// <summary>Runs the specs batched and one by one; asserts equal metrics, outcomes and final θ. Returns (bitwise equal, compared) value counts.</summary>
    private static (int Bitwise, int Total) CompareWithSolo<T>(ExperimentSpec[] specs, bool expectAllCompleted, double tol = Tol)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sinks = specs.Select(_ => new MemorySink()).ToArray();
        var results = EnsembleRunner.Run<T>(specs, sinks);
        int bitwise = 0, total = 0;
        for (int r = 0; r < specs.Length; r++)
        {
            var (solo, soloSink, soloFinal) = Solo<T>(specs[r]);
            var ens = results[r];
            Assert.Equal(solo.Outcome, ens.Outcome);
            Assert.Equal(solo.Steps, ens.Steps);
            Assert.Equal(solo.Time, ens.Time);
            Assert.True(Close(solo.LastLoss, ens.LastLoss, tol), $"replica {r}: last loss {ens.LastLoss:R} vs solo {solo.LastLoss:R}");
            if (expectAllCompleted)
            {
                Assert.Equal(RunOutcome.Completed, ens.Outcome);
            }
            var a = soloSink.Rows;
            var b = sinks[r].Rows;
            Assert.Equal(a.Count, b.Count);
            for (int i = 0; i < a.Count; i++)
            {
                Assert.Equal((a[i].Step, a[i].Time, a[i].Name), (b[i].Step, b[i].Time, b[i].Name));
                Assert.True(Close(a[i].Value, b[i].Value, tol), $"replica {r}, {a[i].Name} at step {a[i].Step}: {b[i].Value:R} vs solo {a[i].Value:R}");
                bitwise += a[i].Value.Equals(b[i].Value) ? 1 : 0;
                total++;
            }
            if (solo.Outcome == RunOutcome.Completed)
            {
                var x = soloFinal.Flatten();
                var y = ens.Parameters.Flatten();
                Assert.Equal(soloFinal.Names, ens.Parameters.Names);
                for (int j = 0; j < x.Length; j++)
                {
                    double u = double.CreateTruncating(x[j]), v = double.CreateTruncating(y[j]);
                    Assert.True(Close(u, v, tol), $"replica {r}, parameter {j}: {v:R} vs solo {u:R}");
                    bitwise += u.Equals(v) ? 1 : 0;
                    total++;
                }
            }
        }
        return (bitwise, total);
    }
}
