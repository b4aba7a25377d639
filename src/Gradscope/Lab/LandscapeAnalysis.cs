using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Gradscope.Data;
using Gradscope.Lab.Spec;
using Gradscope.Landscape;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors;
using Gradscope.Training;

namespace Gradscope.Lab;

/// <summary>Which landscape <c>gradscope landscape</c> computes.</summary>
public enum LandscapeKind { Slice1D, Slice2D, Interpolate, Trajectory, Roughness }

/// <summary>A landscape request at a stored checkpoint (see <see cref="LandscapeAnalysis"/>).</summary>
/// <param name="Range">Grid axis (both axes for 2-D); null = the kind's default.</param>
/// <param name="RoughnessPoints">Points per roughness direction, m + 1.</param>
/// <param name="To">For interpolate: the other end (a checkpoint path and its label); null = the run's step 0.</param>
public sealed record LandscapeRequest(LandscapeKind Kind, GridAxis? Range = null, DirectionKind Directions = DirectionKind.FilterNormalized,
    bool KeepBias = false, long Seed = 0, (string Path, string Label, ExperimentSpec Spec)? To = null, int? Threads = null,
    int RoughnessDirections = RoughnessIndex.DefaultDirections, int RoughnessPoints = RoughnessIndex.DefaultPoints, double RoughnessRadius = RoughnessIndex.DefaultRadius);

/// <summary>What was computed: the grid as evaluated (finished points, including resumed ones) and, for roughness, the index.</summary>
public sealed record LandscapeResult(LandscapeKind Kind, long Step, string OutDir, GridAxis? Alpha, GridAxis? Beta, IReadOnlyList<SurfacePoint> Points,
    int Resumed, RoughnessResult? Roughness, TrajectoryPca<double>? Pca, double[]? PathAlpha, double[]? PathBeta, long[]? PathSteps, double[]? PathLoss);

/// <summary>
/// Loss landscapes of a stored run (issue 5): 1-D/2-D slices around a checkpoint along random,
/// filter-normalised (Li et al. 2018), layer-normalised or Hessian-eigenvector directions; linear
/// interpolation between two checkpoints (Goodfellow et al. 2015); the trajectory projected on its
/// PCA plane with the loss evaluated in that same plane; the roughness index (Wu et al. 2021).
/// Grid points stream to <c>OUT/grid.csv</c> as they finish; a rerun with the same OUT and request
/// reads the finished points back and evaluates only the rest. Always computed in float64 from the
/// checkpoint (a float32 run's parameters are widened exactly).
/// </summary>
public static class LandscapeAnalysis
{
    public const string GridFile = "grid.csv";
    public const string DirectionsFile = "directions.safetensors";
    public const string RequestFile = "landscape.json";

    public static readonly GridAxis DefaultRange = new(-1, 1, 51);

    public static LandscapeResult Run(ExperimentSpec spec, string runDirectory, string checkpointPath, string outDir, LandscapeRequest q,
        Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        var exp = ExperimentBuilder.Build<double>(spec with { DType = DType.Float64 });
        var theta = Load(exp, checkpointPath, out long step);
        var train = exp.Data.Train;
        var test = exp.Data.Test;
        var key = RngKey.FromSeed(q.Seed);
        Directory.CreateDirectory(outDir);

        if (q.Kind == LandscapeKind.Roughness)
        {
            var r = RoughnessIndex.Compute(exp.Model, spec.Loss, train, theta, key, q.RoughnessDirections, q.RoughnessPoints, q.RoughnessRadius, q.Directions, q.Threads);
            return new LandscapeResult(q.Kind, step, outDir, null, null, [], 0, r, null, null, null, null, null);
        }

        GridAxis alpha = q.Range ?? (q.Kind == LandscapeKind.Interpolate ? new GridAxis(-0.5, 1.5, 41) : DefaultRange);
        GridAxis? beta = q.Kind is LandscapeKind.Slice2D or LandscapeKind.Trajectory ? alpha : null;
        ParamSet<double> dx;
        ParamSet<double>? dy = null;
        ParamSet<double> center = theta;
        TrajectoryPca<double>? pca = null;
        double[]? pathA = null, pathB = null, pathLoss = null;
        long[]? pathSteps = null;
        switch (q.Kind)
        {
            case LandscapeKind.Slice1D:
            case LandscapeKind.Slice2D:
                dx = Direction(exp, spec, theta, key.Fold(1), q);
                if (q.Kind == LandscapeKind.Slice2D)
                {
                    dy = q.Directions == DirectionKind.HessianEigen
                        ? Directions.HessianEigen(exp.Model, spec.Loss, train, theta, 2, key)[1]
                        : Direction(exp, spec, theta, key.Fold(2), q);
                }
                break;
            case LandscapeKind.Interpolate:
            {
                var (fromPath, label, otherSpec) = q.To ?? (RunExecutor.Checkpoints(runDirectory)[0].Path, "step 0", spec);
                var other = Load(ExperimentBuilder.Build<double>(otherSpec with { DType = DType.Float64 }), fromPath, out _);
                CheckShapes(theta, other, label);
                // θ(α) = (1 − α)·from + α·to with from = the other end and to = this checkpoint, so α = 1 is the run's step.
                center = other;
                dx = theta.With(theta.Tensors.Zip(other.Tensors, (a, b) => Tensor.Sub(a, b).Detach()).ToArray());
                break;
            }
            case LandscapeKind.Trajectory:
            {
                var ckpts = RunExecutor.Checkpoints(runDirectory).Where(c => c.Step <= step).ToArray();
                if (ckpts.Length < 3)
                {
                    throw new BadInputException($"--kind trajectory needs at least 3 checkpoints up to step {step}; the run has {ckpts.Length} (set checkpoints.every in the spec)");
                }
                var path = ckpts.Select(c => Load(exp, c.Path, out _)).ToArray();
                pca = Directions.Pca(path, theta);
                (dx, dy) = (pca.X, pca.Y);
                pathA = pca.AlphaOfCheckpoints;
                pathB = pca.BetaOfCheckpoints;
                pathSteps = ckpts.Select(c => c.Step).ToArray();
                if (q.Range is null)
                {
                    // Cover the path with a margin, square so contours are not distorted.
                    double reach = 1.2 * Math.Max(pathA.Concat(pathB).Select(Math.Abs).DefaultIfEmpty(1).Max(), 1e-12);
                    alpha = new GridAxis(-reach, reach, 41);
                    beta = alpha;
                }
                pathLoss = path.Select(p => LossAt(exp, spec, p)).ToArray();
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(q));
        }

        var meta = Meta(q, step, alpha, beta, spec);
        var done = Resume(outDir, meta, beta is not null, alpha, beta);
        WriteDirections(outDir, dx, dy);
        var points = new List<SurfacePoint>(done.Values);
        int resumed = points.Count;
        int total = alpha.Points * (beta?.Points ?? 1);
        using (var grid = new StreamWriter(Path.Combine(outDir, GridFile), append: resumed > 0) { NewLine = "\n" })
        {
            if (resumed == 0)
            {
                grid.WriteLine(beta is null ? "alpha,loss" : "alpha,beta,loss");
                grid.Flush();
            }
            void OnPoint(SurfacePoint p)
            {
                grid.WriteLine(beta is null
                    ? string.Create(CultureInfo.InvariantCulture, $"{p.Alpha:R},{p.Loss:R}")
                    : string.Create(CultureInfo.InvariantCulture, $"{p.Alpha:R},{p.Beta:R},{p.Loss:R}"));
                grid.Flush();
                points.Add(p);
                progress?.Invoke(points.Count, total);
            }
            var doneSet = done.Keys.ToHashSet();
            if (q.Kind == LandscapeKind.Interpolate)
            {
                Surface.Interpolate(exp.Model, spec.Loss, train, test, center, theta, alpha, OnPoint, doneSet, q.Threads, cancel);
            }
            else
            {
                Surface.Evaluate(exp.Model, spec.Loss, train, test, center, dx, dy, alpha, beta, OnPoint, doneSet, q.Threads, cancel);
            }
        }
        points.Sort((a, b) => a.I != b.I ? a.I.CompareTo(b.I) : a.J.CompareTo(b.J));
        return new LandscapeResult(q.Kind, step, outDir, alpha, beta, points, resumed, null, pca, pathA, pathB, pathSteps, pathLoss);
    }

    private static ParamSet<double> Direction(Experiment<double> exp, ExperimentSpec spec, ParamSet<double> theta, RngKey key, LandscapeRequest q) => q.Directions switch
    {
        DirectionKind.Random => Directions.Random(theta, key),
        DirectionKind.FilterNormalized => Directions.FilterNormalized(exp.Model, theta, key, q.KeepBias),
        DirectionKind.LayerNormalized => Directions.LayerNormalized(exp.Model, theta, key, q.KeepBias),
        DirectionKind.HessianEigen => Directions.HessianEigen(exp.Model, spec.Loss, exp.Data.Train, theta, 1, key)[0],
        _ => throw new BadInputException($"--directions: '{q.Directions}' is not a slice direction (random, filter, layer, hessian)"),
    };

    private static ParamSet<double> Load(Experiment<double> exp, string checkpoint, out long step)
    {
        var file = SafeTensorFile.Load(checkpoint);
        step = long.Parse(file.Metadata.GetValueOrDefault("step", "0"), CultureInfo.InvariantCulture);
        var names = exp.Model.Parameters.Select(p => p.Name).ToArray();
        var tensors = new Tensor<double>[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            if (!file.Contains(names[i]))
            {
                throw new BadInputException($"{checkpoint}: no tensor '{names[i]}' (the model's parameters are {string.Join(", ", names)})");
            }
            tensors[i] = file.Get<double>(names[i]);
        }
        return new ParamSet<double>(names, tensors);
    }

    private static void CheckShapes(ParamSet<double> a, ParamSet<double> b, string label)
    {
        if (a.Count != b.Count || Enumerable.Range(0, a.Count).Any(i => a.Names[i] != b.Names[i] || !Shapes.Equal(a[i].Shape, b[i].Shape)))
        {
            string Describe(ParamSet<double> p) => string.Join(", ", Enumerable.Range(0, p.Count).Select(i => $"{p.Names[i]} {Shapes.Format(p[i].Shape)}"));
            throw new BadInputException($"--to {label}: parameter shapes differ ({Describe(b)}) from this run's ({Describe(a)})");
        }
    }

    private static double LossAt(Experiment<double> exp, ExperimentSpec spec, ParamSet<double> p)
    {
        using var _ = Autodiff.GradMode.NoGrad();
        using var arena = TensorArena.Begin();
        return Losses.Loss.Compute(spec.Loss, exp.Model.Forward(p, exp.Data.Train.X), exp.Data.Train.Y).Item();
    }

    private static string Meta(LandscapeRequest q, long step, GridAxis alpha, GridAxis? beta, ExperimentSpec spec) => JsonSerializer.Serialize(new
    {
        kind = q.Kind.ToString(),
        step,
        alpha = alpha.ToString(),
        beta = beta?.ToString(),
        directions = q.Directions.ToString(),
        keep_bias = q.KeepBias,
        seed = q.Seed,
        to = q.To?.Label,
        run_seed = spec.Seed,
    });

    /// <summary>Finished points of an earlier, interrupted evaluation of the same request; a different request in the folder is bad input.</summary>
    private static Dictionary<(int I, int J), SurfacePoint> Resume(string dir, string meta, bool twoD, GridAxis alpha, GridAxis? beta)
    {
        var found = new Dictionary<(int, int), SurfacePoint>();
        string metaPath = Path.Combine(dir, RequestFile), gridPath = Path.Combine(dir, GridFile);
        if (File.Exists(metaPath) && File.Exists(gridPath))
        {
            if (File.ReadAllText(metaPath) != meta)
            {
                throw new BadInputException($"--out {dir}: holds a different landscape ({File.ReadAllText(metaPath)}); choose another folder or delete it");
            }
            // Every point is written as a whole line and flushed: text after the last newline is a line a kill
            // cut short (which may still parse, e.g. "1,0" of "1,0.53"), so only newline-terminated lines count.
            var text = File.ReadAllText(gridPath);
            var complete = text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries);
            foreach (var line in complete.Skip(1))
            {
                var f = line.Split(',');
                if (f.Length != (twoD ? 3 : 2) || !f.All(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                {
                    continue;
                }
                double a = Parse(f[0]), b = twoD ? Parse(f[1]) : 0, loss = Parse(f[^1]);
                int i = Index(alpha, a), j = twoD ? Index(beta!, b) : 0;
                found[(i, j)] = new SurfacePoint(i, j, a, b, loss, double.NaN, double.NaN);
            }
            // Rewrite the file from what parsed, so a torn last line does not stay in it.
            using var w = new StreamWriter(gridPath, append: false) { NewLine = "\n" };
            w.WriteLine(twoD ? "alpha,beta,loss" : "alpha,loss");
            foreach (var p in found.Values)
            {
                w.WriteLine(twoD ? string.Create(CultureInfo.InvariantCulture, $"{p.Alpha:R},{p.Beta:R},{p.Loss:R}") : string.Create(CultureInfo.InvariantCulture, $"{p.Alpha:R},{p.Loss:R}"));
            }
        }
        else
        {
            File.WriteAllText(metaPath, meta);
        }
        return found;
    }

    private static double Parse(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static int Index(GridAxis axis, double v) => (int)Math.Round((v - axis.Min) / (axis.Max - axis.Min) * (axis.Points - 1));

    private static void WriteDirections(string dir, ParamSet<double> dx, ParamSet<double>? dy)
    {
        var f = new SafeTensorFile();
        for (int i = 0; i < dx.Count; i++)
        {
            f.Add("x." + dx.Names[i], dx[i]);
            if (dy is not null)
            {
                f.Add("y." + dy.Names[i], dy[i]);
            }
        }
        f.Save(Path.Combine(dir, DirectionsFile));
    }
}
