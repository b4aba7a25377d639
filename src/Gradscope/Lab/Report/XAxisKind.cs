using System.Text.Json;

namespace Gradscope.Lab.Report;

/// <summary>Which column of the metric records a plot uses as its abscissa.</summary>
internal enum XAxisKind
{
    Step,
    Time,
}

/// <summary>
/// Chooses the abscissa per plot. Mode strengths are plotted against <c>time</c> (gradient-flow units,
/// DESIGN.md §3.2) because that is the variable of the closed forms (Saxe et al. 2014, eq. 6) and the only
/// one in which flow and GD runs line up; other plots use <c>step</c>, except for flow runs, whose
/// "steps" are integrator records and carry no meaning of their own.
/// </summary>
internal sealed class XAxisChoice
{
    private XAxisChoice(bool isFlow) => IsFlow = isFlow;

    public bool IsFlow { get; }

    public static XAxisChoice For(ReportRun run) => new(IsFlowSpec(run.SpecJson));

    /// <summary>Axis for a plot: time for <paramref name="preferTime"/> plots or flow runs, unless no series has usable times.</summary>
    public XAxisKind Pick(bool preferTime, IEnumerable<MetricSeries> series)
    {
        if (!(preferTime || IsFlow))
        {
            return XAxisKind.Step;
        }

        return series.Any(s => s.HasUsableTime()) ? XAxisKind.Time : XAxisKind.Step;
    }

    public static string Label(XAxisKind axis) =>
        axis == XAxisKind.Time ? "time (gradient-flow units, Σ learning rates)" : "step";

    /// <summary>Whether the spec's <c>optimizer.kind</c> is <c>flow</c>; any unreadable spec counts as not flow.</summary>
    internal static bool IsFlowSpec(string specJson)
    {
        if (string.IsNullOrWhiteSpace(specJson))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(specJson);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("optimizer", out JsonElement opt)
                && opt.ValueKind == JsonValueKind.Object
                && opt.TryGetProperty("kind", out JsonElement kind)
                && kind.ValueKind == JsonValueKind.String
                && string.Equals(kind.GetString(), "flow", StringComparison.OrdinalIgnoreCase);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
