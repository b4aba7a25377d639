using System.Text.Json;
using Gradscope.Lab.Store;

namespace Gradscope.Lab.Sweeps;

/// <summary>One row of <c>gradscope summary</c>: the trial, its run and status, its axis values (by path) and its summary values (by name).</summary>
public sealed record SummaryRow(int Trial, string? Run, string Status, IReadOnlyDictionary<string, string> Axes, IReadOnlyDictionary<string, double> Values);

/// <summary>The table of a sweep: one row per trial, columns <c>trial,run,status</c>, one per axis path, one per summary name.</summary>
public sealed record SummaryTable(string SweepId, IReadOnlyList<string> AxisPaths, IReadOnlyList<string> SummaryNames, IReadOnlyList<SummaryRow> Rows)
{
    public IReadOnlyList<string> Columns => ["trial", "run", "status", .. AxisPaths, .. SummaryNames];
}

public static class SweepSummary
{
    public static SummaryTable Compute(IRunStore store, string sweepIdOrName)
    {
        var sweeps = (ISweepStore)store;
        var info = sweeps.GetSweep(sweepIdOrName) ?? sweeps.GetSweep(SweepIds.FromName(sweepIdOrName))
            ?? throw new BadInputException($"no sweep '{sweepIdOrName}' in store {store.Location} (have: {string.Join(", ", sweeps.ListSweeps().Select(s => s.Id).DefaultIfEmpty("none"))})");
        var spec = StoredSweep.FromJson(info.SpecJson);
        var names = spec.Summary.Select(s => s.Metric).Distinct().ToArray();
        var rows = new List<SummaryRow>();
        foreach (var t in sweeps.ListTrials(info.Id))
        {
            var axes = JsonSerializer.Deserialize<Dictionary<string, string>>(t.AxesJson) ?? [];
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            if (t.RunId is not null && names.Length > 0)
            {
                var byMetric = store.ReadMetrics(t.RunId, names).GroupBy(m => m.Name)
                    .ToDictionary(g => g.Key, g => g.OrderBy(m => m.Step).Select(m => (m.Step, m.Time, m.Value)).ToList());
                foreach (var s in spec.Summary)
                {
                    values[s.Name] = SummaryReduce.Apply(s, byMetric.GetValueOrDefault(s.Metric) ?? []);
                }
            }
            else
            {
                foreach (var s in spec.Summary)
                {
                    values[s.Name] = double.NaN;
                }
            }
            rows.Add(new SummaryRow(t.Trial, t.RunId, t.Status.ToName(), axes, values));
        }
        return new SummaryTable(info.Id, spec.Axes.Select(a => a.Path).ToArray(), spec.Summary.Select(s => s.Name).ToArray(), rows);
    }
}
