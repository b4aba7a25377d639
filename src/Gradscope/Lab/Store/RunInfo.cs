namespace Gradscope.Lab.Store;

/// <summary>One row of the <c>runs</c> table, plus the run's folder for checkpoints and plots.</summary>
/// <param name="Id">Sortable, readable id such as <c>20261123-181502-saxe-7f3a</c> (see <see cref="RunIds"/>).</param>
/// <param name="Name">The spec's <c>name</c> as written (the id holds a sanitised copy).</param>
/// <param name="SpecJson">The resolved spec (after <c>--set</c> overrides and defaults) as JSON.</param>
/// <param name="StepsDone">Optimisation steps completed (updated on finish and by progress updates).</param>
/// <param name="Error">Why a run failed (or diverged), else null.</param>
/// <param name="SummaryJson">A small JSON object of run-level results (e.g. theory agreement), else null.</param>
/// <param name="Directory">Absolute path of <c>&lt;store&gt;/&lt;id&gt;/</c>.</param>
public sealed record RunInfo(
    string Id,
    string Name,
    string SpecJson,
    RunStatus Status,
    long Seed,
    string DType,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long StepsDone,
    string? Error,
    string? SummaryJson,
    string Directory);

/// <summary>One scalar metric record: long format <c>step,time,name,value</c> (DESIGN.md §3.2, §3.3).</summary>
/// <param name="Time">Training time in gradient-flow units (sum of learning rates, or flow time).</param>
/// <param name="Value">Any double, including NaN and ±Inf (see the store's README for how they are kept).</param>
public readonly record struct MetricRow(long Step, double Time, string Name, double Value);

/// <summary>One small vector-valued record (e.g. a Hessian spectral density) at a step.</summary>
public sealed record VectorRow(long Step, double Time, string Name, double[] Values);
