using Gradscope.Lab.Spec;

namespace Gradscope.Lab.Sweeps;

/// <summary>How the axes combine into trials.</summary>
public enum SweepCombine { Grid, Random }

/// <summary>Whether compatible trials run as one replica batch (<see cref="Ensembles"/>).</summary>
public enum EnsembleMode { Auto, On, Off }

/// <summary>
/// One axis: a spec path and either explicit values (YAML scalar texts, applied like <c>--set
/// PATH=VALUE</c>) or a distribution to sample (<c>log_uniform</c>/<c>uniform</c> with
/// <c>samples</c>) or a spacing (<c>log_space</c>/<c>linspace</c> with <c>points</c>).
/// </summary>
public sealed record SweepAxis(string Path, IReadOnlyList<string>? Values, string? Distribution = null, double Low = 0, double High = 0, int Count = 0)
{
    public bool IsRandom => Distribution is "log_uniform" or "uniform";
}

/// <summary>A summary column: a reduction of one metric of each trial's run.</summary>
/// <param name="Reduce">last | first | min | max | mean | first_step_below | first_time_below.</param>
/// <param name="Threshold">For the *_below reductions.</param>
public sealed record SummarySpec(string Name, string Metric, string Reduce, double? Threshold = null);

/// <summary>
/// A sweep (issue 6): a base run spec, axes keyed by spec paths, grid or random combination,
/// summary columns, and whether to batch compatible trials as an ensemble.
/// </summary>
public sealed record SweepSpec
{
    public required string Name { get; init; }

    internal SpecNode Base { get; init; } = null!;

    /// <summary>Where relative paths of the base spec resolve (its file's folder, or the sweep file's).</summary>
    public string? BaseDirectory { get; init; }

    public string? Origin { get; init; }

    public required IReadOnlyList<SweepAxis> Axes { get; init; }

    public SweepCombine Combine { get; init; } = SweepCombine.Grid;

    /// <summary>Random combination: how many trials.</summary>
    public int? Trials { get; init; }

    /// <summary>Seed of the sampled axis values (not of the trials' own runs).</summary>
    public long Seed { get; init; }

    public IReadOnlyList<SummarySpec> Summary { get; init; } = [];

    public EnsembleMode Ensemble { get; init; } = EnsembleMode.Auto;

    /// <summary>The sweep file's canonical text (for the store and the sweep id).</summary>
    public required string Canonical { get; init; }
}
