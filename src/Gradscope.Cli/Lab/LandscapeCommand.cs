using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gradscope.Lab;
using Gradscope.Lab.Report;
using Gradscope.Lab.Spec;
using Gradscope.Lab.Store;
using Gradscope.Landscape;

namespace Gradscope.Cli.Lab;

/// <summary>
/// <c>gradscope landscape RUN --kind slice1d|slice2d|interpolate|trajectory|roughness [--step N|final]
/// [--range -1:1:51] [--to RUN2[:STEP]] [--out DIR] [--json]</c>: loss landscapes of a stored run (issue 5).
/// </summary>
internal static class LandscapeCommand
{
    private static readonly Dictionary<string, LandscapeKind> Kinds = new()
    {
        ["slice1d"] = LandscapeKind.Slice1D,
        ["slice2d"] = LandscapeKind.Slice2D,
        ["interpolate"] = LandscapeKind.Interpolate,
        ["trajectory"] = LandscapeKind.Trajectory,
        ["roughness"] = LandscapeKind.Roughness,
    };

    private static readonly Dictionary<string, DirectionKind> DirectionKinds = new()
    {
        ["filter"] = DirectionKind.FilterNormalized,
        ["layer"] = DirectionKind.LayerNormalized,
        ["random"] = DirectionKind.Random,
        ["hessian"] = DirectionKind.HessianEigen,
    };

    public static Command Create()
    {
        var run = CommonOptions.Run();
        var store = CommonOptions.Store();
        var kind = new Option<string>("--kind") { Description = "slice1d | slice2d | interpolate | trajectory | roughness", Required = true };
        var step = new Option<string>("--step") { Description = "A checkpointed step, or 'final' (default)", DefaultValueFactory = _ => "final" };
        var range = new Option<string?>("--range") { Description = "MIN:MAX:POINTS of α (and β for 2-D); default -1:1:51 (interpolate -0.5:1.5:41; trajectory: around the path)" };
        var to = new Option<string?>("--to") { Description = "interpolate: the other end, RUN2[:STEP] (default: this run's step 0)" };
        var direction = new Option<string>("--direction") { Description = "filter (Li et al. 2018, default) | layer | random | hessian (top eigenvectors)", DefaultValueFactory = _ => "filter" };
        var keepBias = new Option<bool>("--keep-bias") { Description = "Perturb biases too (filter/layer directions zero them by default)" };
        var seed = new Option<long>("--seed") { Description = "Seed of the random directions (default 0)" };
        var count = new Option<int>("--directions") { Description = "roughness: number of directions M (default 100)", DefaultValueFactory = _ => RoughnessIndex.DefaultDirections };
        var points = new Option<int>("--points") { Description = "roughness: intervals m per direction (m + 1 points; default 10)", DefaultValueFactory = _ => RoughnessIndex.DefaultPoints - 1 };
        var radius = new Option<double>("--radius") { Description = "roughness: half-width l of [−l, l] (default 0.1)", DefaultValueFactory = _ => RoughnessIndex.DefaultRadius };
        var threads = new Option<int?>("--threads") { Description = "Grid points evaluated in parallel (default: all cores)" };
        var outDir = new Option<string?>("--out") { Description = "Folder for grid.csv, directions.safetensors and plots (default <run>/landscape/KIND-step-N); rerun to resume" };
        var json = CommonOptions.Json("Print one JSON object (roughness: {\"ri\", \"directions\", \"points\", ...})");
        var cmd = new Command("landscape", "Loss landscape of a run at a checkpoint: 1-D/2-D slices, interpolation, trajectory plane, roughness index")
        {
            run, store, kind, step, range, to, direction, keepBias, seed, count, points, radius, threads, outDir, json,
        };
        cmd.SetAction(p => CliErrors.Guard(p.InvocationConfiguration.Error, () =>
        {
            var stdout = p.InvocationConfiguration.Output;
            var stderr = p.InvocationConfiguration.Error;
            if (!Kinds.TryGetValue(p.GetValue(kind)!, out var k))
            {
                throw new BadInputException($"--kind: '{p.GetValue(kind)}' is not one of {string.Join(", ", Kinds.Keys)}");
            }
            if (!DirectionKinds.TryGetValue(p.GetValue(direction)!, out var dk))
            {
                throw new BadInputException($"--direction: '{p.GetValue(direction)}' is not one of {string.Join(", ", DirectionKinds.Keys)}");
            }
            GridAxis? axis = null;
            if (p.GetValue(range) is { } text)
            {
                try
                {
                    axis = GridAxis.Parse(text);
                }
                catch (FormatException e)
                {
                    throw new BadInputException($"--range: {e.Message}");
                }
            }
            if (p.GetValue(count) < 2 || p.GetValue(points) < 2 || !(p.GetValue(radius) > 0))
            {
                throw new BadInputException("--directions and --points must be >= 2 and --radius > 0");
            }
            if (p.GetValue(threads) is < 1)
            {
                throw new BadInputException($"--threads: must be >= 1, got {p.GetValue(threads)}");
            }
            using var st = RunStore.Open(p.GetValue(store));
            var r = st.ResolveRun(p.GetValue(run)!);
            var spec = SpecLoader.Parse(r.SpecJson, "json");
            var ckpt = StoreCommands.FindCheckpoint(r, p.GetValue(step)!);
            (string, string, ExperimentSpec)? other = null;
            if (p.GetValue(to) is { } target)
            {
                if (k != LandscapeKind.Interpolate)
                {
                    throw new BadInputException("--to: only for --kind interpolate");
                }
                int colon = target.LastIndexOf(':');
                var (runPart, stepPart) = colon > 0 ? (target[..colon], target[(colon + 1)..]) : (target, "final");
                var r2 = st.ResolveRun(runPart);
                other = (StoreCommands.FindCheckpoint(r2, stepPart), $"{r2.Name} ({r2.Id}) step {stepPart}", SpecLoader.Parse(r2.SpecJson, "json"));
            }
            var req = new LandscapeRequest(k, axis, dk, p.GetValue(keepBias), p.GetValue(seed), other, p.GetValue(threads),
                p.GetValue(count), p.GetValue(points) + 1, p.GetValue(radius));
            long ckStep = long.Parse(Path.GetFileNameWithoutExtension(ckpt)["step-".Length..], CultureInfo.InvariantCulture);
            var dir = p.GetValue(outDir) ?? Path.Combine(r.Directory, "landscape", $"{p.GetValue(kind)}-step-{ckStep}");
            int lastShown = -1;
            var res = LandscapeAnalysis.Run(spec, r.Directory, ckpt, dir, req, (done, total) =>
            {
                int pct = (int)(100L * done / total);
                if (pct / 10 != lastShown / 10 || done == total)
                {
                    lastShown = pct;
                    stderr.WriteLine($"gradscope landscape: {done}/{total} points");
                }
            });
            var plot = LandscapeOutput.Write(res, r.Name);
            if (p.GetValue(json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(LandscapeOutput.Json(res, r.Id, plot)));
            }
            else
            {
                stdout.WriteLine(LandscapeOutput.Text(res, r, plot));
            }
            return ExitCodes.Success;
        }));
        return cmd;
    }
}
