namespace Gradscope.Lab.Report;

/// <summary>
/// The Hessian eigenvalue density of stochastic Lanczos quadrature (<c>hessian/density</c> on its
/// <c>hessian/density/grid</c>) at up to <see cref="MaxCurves"/> record steps spread over the run, early
/// steps light and late steps dark in one hue; log-density, as Ghorbani et al. (2019) and PyHessian plot
/// it, since the bulk near zero and the few outliers differ by orders of magnitude.
/// </summary>
internal static class DensityPlot
{
    public const string Key = "hessian_density";

    public const string Density = "hessian/density";

    public const string Grid = "hessian/density/grid";

    public const int MaxCurves = 6;

    /// <summary>Densities below this fraction of a curve's peak are drawn at it, so the log axis shows the structure, not 1e-300 tails.</summary>
    public const double Floor = 1e-6;

    public static ChartSpec? Build(IReadOnlyList<ReportVector> vectors)
    {
        var density = vectors.Where(v => v.Name == Density).OrderBy(v => v.Step).ToList();
        var grids = vectors.Where(v => v.Name == Grid).ToDictionary(v => v.Step, v => v.Values);
        var records = density.Where(d => grids.TryGetValue(d.Step, out var g) && g.Length == d.Values.Length).ToList();
        if (records.Count == 0)
        {
            return null;
        }
        var spec = new ChartSpec
        {
            Key = Key,
            Title = "Hessian eigenvalue density",
            XLabel = "eigenvalue",
            YLabel = "density",
            Caption = "Stochastic Lanczos quadrature with Gaussian broadening (Ghorbani et al. 2019), at steps spread over the run; later steps darker.",
        };
        var picked = Spread(records.Count, MaxCurves).Select(i => records[i]).ToList();
        for (int i = 0; i < picked.Count; i++)
        {
            var d = picked[i];
            double peak = d.Values.Where(double.IsFinite).DefaultIfEmpty(0).Max();
            var y = d.Values.Select(v => Math.Max(v, peak * Floor)).ToArray();
            double shade = picked.Count == 1 ? 1 : 0.35 + 0.65 * i / (picked.Count - 1);
            spec.Lines.Add(new ChartLine($"step {d.Step}", Curve.From(grids[d.Step], y), Palette.At(0), Width: 1.8f, Opacity: shade));
        }
        return spec;
    }

    /// <summary>min(count, max) indices spread evenly over 0..count−1, always including the first and last.</summary>
    internal static IEnumerable<int> Spread(int count, int max) =>
        count <= max ? Enumerable.Range(0, count) : Enumerable.Range(0, max).Select(i => (int)Math.Round((double)i * (count - 1) / (max - 1))).Distinct();
}
