using System.Diagnostics;
using System.Numerics;
using Gradscope.Lab;
using Gradscope.Lab.Spec;
using Gradscope.Probes;

namespace Gradscope.Ensembles;

/// <summary>One measurement of workload W4 (DESIGN.md §5).</summary>
/// <param name="ReplicaStepsPerSecond">Replicas × steps / seconds of the batched training loop.</param>
/// <param name="SoloReplicaStepsPerSecond">The same replicas trained one after another by the solo Trainer (NaN when not measured).</param>
/// <param name="FinalLossMedian">Median over replicas of the final training loss (a sanity check against the peer).</param>
/// <param name="CpuSeconds">Processor time of the process during the batched loop (all threads): on a shared machine, what the work cost apart from waiting for a core.</param>
public sealed record EnsembleBenchmarkResult(string DType, int Replicas, long Steps, int Threads, double Seconds, double ReplicaStepsPerSecond,
    double CpuSeconds, double SoloSeconds, double SoloReplicaStepsPerSecond, double FinalLossMedian);

/// <summary>
/// W4: 64 replicas of a 20-50-1 tanh MLP, 200 teacher-student samples each, 500 full-batch GD steps,
/// the loss recorded every step (the peer's <c>loss.item()</c>), replicas differing in seed (hence
/// data and θ₀). Only the training loop is timed (not data generation or building), as the peer
/// <c>bench/peers/w4_torch.py</c> times only its loops.
/// </summary>
public static class EnsembleBenchmark
{
    /// <summary>The workload's spec (also <c>bench/workloads/w4-ensemble.yaml</c>); replica r runs it with seed + r.</summary>
    public const string W4Spec = """
        name: w4-ensemble
        seed: 1
        dtype: float64
        data: { kind: teacher-student, inputs: 20, outputs: 1, hidden: 10, samples: 200, teacher_activation: tanh }
        model: { kind: mlp, widths: [20, 50, 1], activation: tanh, bias: true }
        loss: mse
        optimizer: { kind: gd, lr: 0.1 }
        steps: 500
        probes:
          - { kind: loss, every: 1 }
        """;

    /// <summary>The replicas of <paramref name="spec"/>: seeds seed, seed + 1, ...; names suffixed -r.</summary>
    public static ExperimentSpec[] Replicas(ExperimentSpec spec, int replicas, DType? dtype = null, long? steps = null) =>
        Enumerable.Range(0, replicas).Select(r => spec with
        {
            Name = $"{spec.Name}-{r}",
            Seed = spec.Seed + r,
            DType = dtype ?? spec.DType,
            Steps = steps ?? spec.Steps,
            Epochs = steps is null ? spec.Epochs : null,
        }).ToArray();

    /// <summary>Times the batched loop (after a short warm-up batch); with <paramref name="solo"/> also the solo trainer on the same replicas.</summary>
    public static EnsembleBenchmarkResult Run<T>(IReadOnlyList<ExperimentSpec> specs, int threads, bool solo = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Warm-up, untimed: a quarter of a second of short two-replica batches, so the timed loop runs
        // the JIT's optimised tier (TensorPrimitives' vectorised Tanh only arrives with tier 1; the
        // peer warms up too).
        var warmSpecs = specs.Take(1).Concat(specs.Take(1)).Select(s => s with { Steps = 100, Epochs = null }).ToArray();
        for (var warmClock = Stopwatch.StartNew(); warmClock.Elapsed.TotalSeconds < 0.25;)
        {
            using var warm = EnsembleRunner.Prepare<T>(warmSpecs);
            warm.Threads = threads;
            warm.Train([new DiscardSink(), new DiscardSink()], default);
        }
        using var ensemble = EnsembleRunner.Prepare<T>(specs);
        ensemble.Threads = threads;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var results = ensemble.Train(specs.Select(_ => (IMetricSink)new DiscardSink()).ToArray(), default);
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        double seconds = ensemble.LoopTime.TotalSeconds;
        long steps = ensemble.TotalSteps;
        double soloSeconds = double.NaN;
        if (solo)
        {
            var experiments = specs.Select(ExperimentBuilder.Build<T>).ToArray();
            var clock = new Stopwatch();
            foreach (var e in experiments)
            {
                var start = e.Start();
                clock.Start();
                e.Run(start, new DiscardSink(), null, null, default);
                clock.Stop();
            }
            soloSeconds = clock.Elapsed.TotalSeconds;
        }
        var losses = results.Select(r => r.LastLoss).Order().ToArray();
        double median = losses.Length % 2 == 1 ? losses[losses.Length / 2] : 0.5 * (losses[losses.Length / 2 - 1] + losses[losses.Length / 2]);
        double replicaSteps = (double)specs.Count * steps;
        return new EnsembleBenchmarkResult(typeof(T) == typeof(float) ? "float32" : "float64", specs.Count, steps, threads,
            seconds, replicaSteps / seconds, cpuSeconds, soloSeconds, replicaSteps / soloSeconds, median);
    }

    /// <summary>A sink that drops what it is given (the benchmark measures training, not storage).</summary>
    private sealed class DiscardSink : IMetricSink
    {
        public void Write(long step, double time, string name, double value)
        {
        }

        public void WriteVector(long step, double time, string name, ReadOnlySpan<double> values)
        {
        }
    }
}
