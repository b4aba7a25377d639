using System.Globalization;
using Gradscope.Lab;
using Gradscope.Lab.Report;
using Gradscope.Lab.Store;

namespace Gradscope.Cli.Lab;

/// <summary>The figures, JSON object and text summary of a <c>gradscope landscape</c> result.</summary>
internal static class LandscapeOutput
{
    public static string? Write(LandscapeResult r, string runName)
    {
        string title = $"{runName}, step {r.Step}";
        switch (r.Kind)
        {
            case LandscapeKind.Slice1D:
                return LandscapeFigures.WriteSlice1D(r.OutDir, "slice1d", $"1-D slice, {title}", Col(r, p => p.Alpha), Col(r, p => p.Loss), TestOrNull(r)).Png;
            case LandscapeKind.Interpolate:
                return LandscapeFigures.WriteInterpolation(r.OutDir, "interpolate", $"Linear interpolation, {title}", Col(r, p => p.Alpha), Col(r, p => p.Loss), TestOrNull(r), "from", "to").Png;
            case LandscapeKind.Slice2D:
            case LandscapeKind.Trajectory:
            {
                var a = r.Alpha!;
                var b = r.Beta!;
                var z = new double[a.Points, b.Points];
                for (int i = 0; i < a.Points; i++)
                {
                    for (int j = 0; j < b.Points; j++)
                    {
                        z[i, j] = double.NaN;
                    }
                }
                foreach (var p in r.Points)
                {
                    z[p.I, p.J] = p.Loss;
                }
                var xs = Enumerable.Range(0, a.Points).Select(i => a[i]).ToArray();
                var ys = Enumerable.Range(0, b.Points).Select(j => b[j]).ToArray();
                return r.Kind == LandscapeKind.Trajectory
                    ? LandscapeFigures.WriteSurface2D(r.OutDir, "trajectory", $"Trajectory on its PCA plane, {title}", xs, ys, z, (r.PathAlpha!, r.PathBeta!),
                        $"PC1 ({r.Pca!.ExplainedVariance[0]:P1} of variance)", $"PC2 ({r.Pca.ExplainedVariance[1]:P1})").Png
                    : LandscapeFigures.WriteSurface2D(r.OutDir, "slice2d", $"2-D slice, {title}", xs, ys, z).Png;
            }
            default:
                return null;
        }
    }

    public static Dictionary<string, object?> Json(LandscapeResult r, string runId, string? plot)
    {
        if (r.Roughness is { } rough)
        {
            return new()
            {
                ["run"] = runId,
                ["step"] = r.Step,
                ["kind"] = "roughness",
                ["ri"] = rough.Index,
                ["directions"] = rough.Directions,
                ["points"] = rough.Points - 1,
                ["radius"] = rough.Radius,
                ["t"] = rough.T,
            };
        }
        var d = new Dictionary<string, object?>
        {
            ["run"] = runId,
            ["step"] = r.Step,
            ["kind"] = Name(r.Kind),
            ["out"] = r.OutDir,
            ["grid"] = Path.Combine(r.OutDir, LandscapeAnalysis.GridFile),
            ["directions_file"] = Path.Combine(r.OutDir, LandscapeAnalysis.DirectionsFile),
            ["alpha"] = r.Alpha?.ToString(),
            ["beta"] = r.Beta?.ToString(),
            ["evaluated"] = r.Points.Count - r.Resumed,
            ["resumed"] = r.Resumed,
            ["loss_min"] = Finite(r.Points.Select(p => p.Loss)).DefaultIfEmpty(double.NaN).Min(),
            ["loss_max"] = Finite(r.Points.Select(p => p.Loss)).DefaultIfEmpty(double.NaN).Max(),
            ["plot"] = plot,
        };
        if (r.Pca is { } pca)
        {
            d["explained_variance"] = pca.ExplainedVariance;
            d["path"] = r.PathSteps!.Select((s, i) => new { step = s, alpha = r.PathAlpha![i], beta = r.PathBeta![i], loss = r.PathLoss![i] }).ToArray();
        }
        return d;
    }

    public static string Text(LandscapeResult r, RunInfo run, string? plot)
    {
        var inv = CultureInfo.InvariantCulture;
        if (r.Roughness is { } rough)
        {
            return string.Create(inv, $"run {run.Id} step {r.Step}: roughness index {rough.Index:G6} over {rough.Directions} directions, {rough.Points} points on [−{rough.Radius}, {rough.Radius}]");
        }
        var losses = Finite(r.Points.Select(p => p.Loss)).DefaultIfEmpty(double.NaN).ToArray();
        var s = string.Create(inv, $"run {run.Id} step {r.Step}: {Name(r.Kind)}, {r.Points.Count} points ({r.Resumed} resumed), loss {losses.Min():G6} .. {losses.Max():G6}\n  {Path.Combine(r.OutDir, LandscapeAnalysis.GridFile)}");
        return plot is null ? s : s + "\n  plot: " + plot;
    }

    private static string Name(LandscapeKind k) => k.ToString().ToLowerInvariant();

    private static IEnumerable<double> Finite(IEnumerable<double> xs) => xs.Where(double.IsFinite);

    private static double[] Col(LandscapeResult r, Func<Landscape.SurfacePoint, double> f) => r.Points.Select(f).ToArray();

    private static double[]? TestOrNull(LandscapeResult r) => r.Points.Any(p => double.IsFinite(p.TestLoss)) ? Col(r, p => p.TestLoss) : null;
}
