namespace Gradscope.Lab.Report;

/// <summary>
/// What a report needs to know about one run. Deliberately a plain record rather than the store's
/// <c>RunInfo</c>: the report layer draws whatever it is handed (a store row, a sweep trial, a test's
/// synthetic run) and never reads the store itself.
/// </summary>
/// <param name="Id">The run id, shown in the page header.</param>
/// <param name="Name">The spec's <c>name</c>.</param>
/// <param name="Status">completed | diverged | failed | running ... (shown as given).</param>
/// <param name="SpecJson">The resolved spec as JSON; pretty-printed on the page (shown raw if it does not parse).</param>
/// <param name="Summary">Run-level results, e.g. the theory agreement <c>max |u - u_theory| / s</c>.</param>
public sealed record ReportRun(
    string Id,
    string Name,
    string Status,
    string SpecJson,
    IReadOnlyDictionary<string, string> Summary);

/// <summary>One scalar metric record in the long format of DESIGN.md §3.2 (<c>step,time,name,value</c>).</summary>
/// <param name="Time">Training time in gradient-flow units: Σ learning rates for discrete methods, integration time for flow.</param>
/// <param name="Value">Any double; NaN and ±Inf (a diverged run) are dropped from the plots and mark the divergence point.</param>
public sealed record ReportMetric(long Step, double Time, string Name, double Value);

/// <summary>One vector-valued record (e.g. <c>hessian/density</c> on <c>hessian/density/grid</c>) of the store's <c>metric_vectors</c>.</summary>
public sealed record ReportVector(long Step, double Time, string Name, double[] Values);
