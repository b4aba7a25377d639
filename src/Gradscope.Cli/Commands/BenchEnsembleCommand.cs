using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gradscope.Ensembles;
using Gradscope.Lab;
using Gradscope.Lab.Spec;

namespace Gradscope.Cli.Commands;

/// <summary>
/// <c>gradscope bench ensemble [--replicas 64] [--dtype float64|float32] [--steps N] [--spec FILE] [--threads N] [--solo] [--json]</c>:
/// workload W4 — replica-steps per second of a batch of 20-50-1 tanh MLPs (200 samples each, full-batch
/// GD) trained as one replica batch, the seed varied per replica. Peer: <c>bench/peers/w4_torch.py</c>.
/// </summary>
public static class BenchEnsembleCommand
{
    public static Command Create()
    {
        var replicas = new Option<int>("--replicas") { Description = "Replicas in the batch (default 64)", DefaultValueFactory = _ => 64 };
        var dtype = new Option<string>("--dtype") { Description = "float64 (default) or float32", DefaultValueFactory = _ => "float64" };
        dtype.AcceptOnlyFromAmong("float32", "float64");
        var steps = new Option<long?>("--steps") { Description = "Steps per replica (default: the spec's, 500)" };
        var spec = new Option<string?>("--spec") { Description = "Workload spec (default: the built-in W4, as bench/workloads/w4-ensemble.yaml); replica r runs it with seed + r" };
        var threads = new Option<int>("--threads") { Description = "Threads (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var solo = new Option<bool>("--solo") { Description = "Also time the same replicas trained one after another by the solo trainer" };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object on stdout" };
        var cmd = new Command("ensemble", "W4: replica-steps per second of a batch of small MLPs trained as one replica batch")
        {
            replicas, dtype, steps, spec, threads, solo, json,
        };
        cmd.SetAction(p =>
        {
            var stdout = p.InvocationConfiguration.Output;
            var stderr = p.InvocationConfiguration.Error;
            int r = p.GetValue(replicas);
            if (r < 1 || p.GetValue(threads) < 1 || p.GetValue(steps) is < 1)
            {
                stderr.WriteLine("gradscope: --replicas, --threads and --steps must be >= 1");
                return ExitCodes.BadInput;
            }
            EnsembleBenchmarkResult result;
            try
            {
                var baseSpec = p.GetValue(spec) is { } path ? SpecLoader.LoadFile(path) : SpecLoader.Parse(EnsembleBenchmark.W4Spec, "yaml");
                var wanted = p.GetValue(dtype) == "float32" ? DType.Float32 : DType.Float64;
                var specs = EnsembleBenchmark.Replicas(baseSpec, r, wanted, p.GetValue(steps));
                result = wanted == DType.Float32
                    ? EnsembleBenchmark.Run<float>(specs, p.GetValue(threads), p.GetValue(solo))
                    : EnsembleBenchmark.Run<double>(specs, p.GetValue(threads), p.GetValue(solo));
            }
            catch (Exception e) when (e is SpecException or BadInputException)
            {
                stderr.WriteLine($"gradscope: {e.Message}");
                return ExitCodes.BadInput;
            }
            if (p.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(new
                {
                    workload = "w4",
                    dtype = result.DType,
                    replicas = result.Replicas,
                    steps = result.Steps,
                    threads = result.Threads,
                    seconds = result.Seconds,
                    replica_steps_per_s = result.ReplicaStepsPerSecond,
                    cpu_seconds = result.CpuSeconds,
                    cpu_us_per_replica_step = 1e6 * result.CpuSeconds / (result.Replicas * (double)result.Steps),
                    solo_seconds = double.IsNaN(result.SoloSeconds) ? (double?)null : result.SoloSeconds,
                    solo_replica_steps_per_s = double.IsNaN(result.SoloReplicaStepsPerSecond) ? (double?)null : result.SoloReplicaStepsPerSecond,
                    final_loss_median = result.FinalLossMedian,
                }));
            }
            else
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"W4 {result.DType}: {result.Replicas} replicas x {result.Steps} steps on {result.Threads} thread(s)\n  batched: {result.ReplicaStepsPerSecond:F0} replica-steps/s ({result.Seconds:F3} s; {1e6 * result.CpuSeconds / (result.Replicas * (double)result.Steps):F1} µs of CPU per replica-step)"));
                if (!double.IsNaN(result.SoloSeconds))
                {
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  solo trainer, one replica after another: {result.SoloReplicaStepsPerSecond:F0} replica-steps/s ({result.SoloSeconds:F3} s)"));
                }
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  median final loss {result.FinalLossMedian:G6}"));
            }
            return ExitCodes.Success;
        });
        return cmd;
    }
}
