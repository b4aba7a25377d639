using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gradscope.Landscape;

namespace Gradscope.Cli.Commands;

/// <summary>
/// <c>gradscope bench landscape [--dtype float32|float64] [--grid 51] [--mode auto|direct] [--json]</c>: workload W5 —
/// a filter-normalised 2-D slice of MLP 784-200-10 tanh on 1,000 samples: points per second and peak memory.
/// Peer: <c>bench/peers/w5_torch.py</c>.
/// </summary>
public static class BenchLandscapeCommand
{
    public static Command Create()
    {
        var dtype = new Option<string>("--dtype") { Description = "float32 (default) or float64", DefaultValueFactory = _ => "float32" };
        dtype.AcceptOnlyFromAmong("float32", "float64");
        var grid = new Option<int>("--grid") { Description = "Points per axis (default 51)", DefaultValueFactory = _ => 51 };
        var mode = new Option<string>("--mode") { Description = "auto (first layer factored across the grid, default) or direct (a full forward per point)", DefaultValueFactory = _ => "auto" };
        mode.AcceptOnlyFromAmong("auto", "direct");
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object on stdout" };
        var cmd = new Command("landscape", "W5: a 51x51 filter-normalised loss surface, points per second and peak memory") { dtype, grid, mode, json };
        cmd.SetAction(p =>
        {
            if (p.GetValue(grid) < 2)
            {
                p.InvocationConfiguration.Error.WriteLine("gradscope: --grid must be >= 2");
                return ExitCodes.BadInput;
            }
            var m = p.GetValue(mode) == "direct" ? ForwardMode.Direct : ForwardMode.Auto;
            var r = p.GetValue(dtype) == "float64" ? LandscapeBenchmark.Run<double>(p.GetValue(grid), mode: m) : LandscapeBenchmark.Run<float>(p.GetValue(grid), mode: m);
            if (p.GetValue(json))
            {
                p.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    workload = "w5",
                    dtype = r.DType,
                    mode = r.Mode,
                    grid = r.Grid,
                    samples = r.Samples,
                    grid_seconds = r.Seconds,
                    points_per_s = r.PointsPerSecond,
                    model_data_mb = r.ModelDataBytes / 1e6,
                    peak_extra_mb = r.PeakExtraBytes / 1e6,
                    memory_ratio = r.MemoryRatio,
                }));
            }
            else
            {
                p.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"W5 {r.DType} ({r.Mode}): {r.Grid}x{r.Grid} grid in {r.Seconds:F2} s = {r.PointsPerSecond:F1} points/s; model+data {r.ModelDataBytes / 1e6:F2} MB, peak extra {r.PeakExtraBytes / 1e6:F2} MB ({r.MemoryRatio:F2}x)"));
            }
            return ExitCodes.Success;
        });
        return cmd;
    }
}
