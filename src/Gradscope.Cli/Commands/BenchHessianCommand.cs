using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gradscope.Curvature;

namespace Gradscope.Cli.Commands;

/// <summary>
/// <c>gradscope bench hessian [--dtype float32|float64] [--samples N] [--batches B] [--json]</c>: workload W3 —
/// Hessian-vector products per second of MLP 784-200-200-10 tanh (MSE) and the HVPs sharpness needs
/// to 1e-3 (Lanczos vs PyHessian's power iteration). Peer: <c>bench/peers/w3_torch.py</c>.
/// </summary>
public static class BenchHessianCommand
{
    public static Command Create()
    {
        var dtype = new Option<string>("--dtype") { Description = "float32 (default) or float64", DefaultValueFactory = _ => "float32" };
        dtype.AcceptOnlyFromAmong("float32", "float64");
        var samples = new Option<int>("--samples") { Description = "Training samples (default 1000)", DefaultValueFactory = _ => 1000 };
        var batches = new Option<int>("--batches") { Description = "Timed batches of 5 HVPs; the median is reported (default 5)", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object on stdout" };
        var cmd = new Command("hessian", "W3: Hessian-vector products per second and HVPs to sharpness within 1e-3") { dtype, samples, batches, json };
        cmd.SetAction(p =>
        {
            var stdout = p.InvocationConfiguration.Output;
            var stderr = p.InvocationConfiguration.Error;
            if (p.GetValue(samples) < 1 || p.GetValue(batches) < 1)
            {
                stderr.WriteLine("gradscope: --samples and --batches must be >= 1");
                return ExitCodes.BadInput;
            }
            var r = p.GetValue(dtype) == "float64"
                ? SharpnessBenchmark.Run<double>(p.GetValue(samples), p.GetValue(batches))
                : SharpnessBenchmark.Run<float>(p.GetValue(samples), p.GetValue(batches));
            if (p.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(new
                {
                    workload = "w3",
                    dtype = r.DType,
                    samples = r.Samples,
                    parameters = r.Parameters,
                    hvp_per_s = r.HvpPerSecond,
                    hvp_per_s_batches = r.HvpPerSecondBatches,
                    sharpness = r.Sharpness,
                    lanczos_hvps_to_1e3 = r.LanczosHvpsTo1e3,
                    power_iterations = r.PowerIterations,
                    power_relative_error = r.PowerError,
                }));
            }
            else
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"W3 {r.DType}: {r.Parameters} parameters, {r.Samples} samples\n  {r.HvpPerSecond:F2} HVP/s (median of {r.HvpPerSecondBatches.Length} batches)\n  sharpness {r.Sharpness:G8}: Lanczos within 1e-3 after {r.LanczosHvpsTo1e3} HVPs; power iteration (PyHessian rule, tol 1e-3) stops after {r.PowerIterations} HVPs, {r.PowerError:E1} off"));
            }
            return ExitCodes.Success;
        });
        return cmd;
    }
}
