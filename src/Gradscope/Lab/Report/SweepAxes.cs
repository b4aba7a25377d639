using System.Globalization;
using Gradscope.Lab.Sweeps;

namespace Gradscope.Lab.Report;

/// <summary>
/// One axis of a sweep as the report sees it: its distinct values in order, whether they are numbers, whether it
/// is a seed (averaged over, never plotted against) and whether it is drawn on a log scale.
/// </summary>
/// <param name="Texts">Distinct values as written in the table: numeric axes sorted by value, others in trial order.</param>
/// <param name="Values">The numbers of <paramref name="Texts"/> (same order) when the axis is numeric, else empty.</param>
internal sealed record SweptAxis(string Path, bool IsSeed, bool IsNumeric, IReadOnlyList<string> Texts, double[] Values, bool Log)
{
    /// <summary>An axis with a single value is a constant of the sweep, not a dimension.</summary>
    public bool Varies => Texts.Count >= 2;

    /// <summary>Plotted against: numeric, at least two values, not a seed.</summary>
    public bool IsPlotAxis => IsNumeric && Varies && !IsSeed;

    /// <summary>Index into <see cref="Texts"/> of a row's value, or -1 when the row has no (matching) value.</summary>
    public int IndexOf(SummaryRow row)
    {
        if (!row.Axes.TryGetValue(Path, out string? text))
        {
            return -1;
        }

        if (IsNumeric)
        {
            return SweepAxes.TryNumber(text, out double v) ? Array.IndexOf(Values, v) : -1;
        }

        for (int i = 0; i < Texts.Count; i++)
        {
            if (string.Equals(Texts[i], text, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Where value <paramref name="i"/> sits on a continuous axis: log10 of it on a log axis.</summary>
    public double Coordinate(int i) => Log ? Math.Log10(Values[i]) : Values[i];

    /// <summary>The tick label of value <paramref name="i"/>: the text as given when short, else four significant digits.</summary>
    public string Label(int i) => SweepAxes.TickLabel(IsNumeric ? Values[i] : double.NaN, Texts[i]);
}

/// <summary>
/// The pure decisions behind a sweep report: which axes are numbers, which are seeds, which are log-spaced, and the
/// per-cell statistics (mean over seeds, diverged and missing counts). Kept apart from drawing so tests can check
/// the choices without pixels.
/// </summary>
internal static class SweepAxes
{
    /// <summary>Log spacing needs at least this max/min ratio: below it log and linear positions differ by little.</summary>
    public const double MinLogSpan = 4.0;

    /// <summary>Two values more than this ratio apart (over a decade) are drawn on a log axis.</summary>
    public const double TwoValueLogSpan = 10.0;

    /// <summary><c>seed</c>, or any path ending in <c>.seed</c> (<c>data.seed</c>, <c>init.seed</c>).</summary>
    public static bool IsSeed(string path) =>
        string.Equals(path, "seed", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".seed", StringComparison.OrdinalIgnoreCase);

    /// <summary>A finite number in invariant culture (<c>1e-3</c>, <c>0.001</c>, <c>64</c>); <c>true</c>, <c>adam</c>, <c>NaN</c> are not.</summary>
    public static bool TryNumber(string? text, out double value)
    {
        value = double.NaN;
        if (string.IsNullOrWhiteSpace(text)
            || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            || !double.IsFinite(v))
        {
            return false;
        }

        value = v == 0 ? 0 : v; // -0 and 0 are one value
        return true;
    }

    /// <summary>The axes of <paramref name="table"/> in sweep order.</summary>
    public static IReadOnlyList<SweptAxis> Analyse(SummaryTable table)
    {
        var axes = new List<SweptAxis>(table.AxisPaths.Count);
        foreach (string path in table.AxisPaths)
        {
            var texts = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (SummaryRow row in table.Rows)
            {
                if (row.Axes.TryGetValue(path, out string? t) && t is not null && seen.Add(t))
                {
                    texts.Add(t);
                }
            }

            bool numeric = texts.Count > 0 && texts.All(t => TryNumber(t, out _));
            if (!numeric)
            {
                axes.Add(new SweptAxis(path, IsSeed(path), false, texts, [], false));
                continue;
            }

            // Distinct by value ("0.1" and "1e-1" are one cell), the first spelling kept for the label.
            var byValue = new SortedDictionary<double, string>();
            foreach (string t in texts)
            {
                TryNumber(t, out double v);
                byValue.TryAdd(v, t);
            }

            double[] values = [.. byValue.Keys];
            axes.Add(new SweptAxis(path, IsSeed(path), true, [.. byValue.Values], values, IsLogSpaced(values)));
        }

        return axes;
    }

    /// <summary>
    /// Whether <paramref name="values"/> are best drawn on a log axis. All must be positive and span at least
    /// <see cref="MinLogSpan"/>× (below that, log and linear positions hardly differ). Two values: log when more than a
    /// decade apart. Three or more: log when the sorted values sit closer to evenly spaced in log10 than linearly —
    /// the largest distance of a value's position (as a fraction of the range) from its rank's, i/(n − 1), is smaller in
    /// log10. A geometric grid (1e-3, 1e-2, 1e-1; 8, 16, 32; 1-3-10 steps: nearly constant ratios) is exactly even in
    /// log10, a linspace grid exactly even linearly; for random samples the rule tells log-uniform from uniform ones (a
    /// Kolmogorov–Smirnov distance to the even spread).
    /// </summary>
    public static bool IsLogSpaced(IReadOnlyList<double> values)
    {
        if (values.Count < 2 || values.Any(v => !(v > 0) || !double.IsFinite(v)))
        {
            return false;
        }

        double[] s = [.. values.Distinct().Order()];
        if (s.Length < 2)
        {
            return false;
        }

        double span = s[^1] / s[0];
        if (span < MinLogSpan)
        {
            return false;
        }

        if (s.Length == 2)
        {
            return span > TwoValueLogSpan;
        }

        return RankDeviation(s, log: true) < RankDeviation(s, log: false);
    }

    /// <summary>The largest |(t_i − t_0)/(t_n − t_0) − i/(n − 1)| over sorted values, t = log10 of them or themselves: 0 when evenly spaced.</summary>
    internal static double RankDeviation(double[] sorted, bool log)
    {
        double T(double v) => log ? Math.Log10(v) : v;
        double t0 = T(sorted[0]), range = T(sorted[^1]) - t0;
        if (!(range > 0))
        {
            return 1;
        }

        double worst = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(((T(sorted[i]) - t0) / range) - (i / (double)(sorted.Length - 1))));
        }

        return worst;
    }

    /// <summary>
    /// A tick label: <paramref name="text"/> when it is short, else the number to three significant digits (a log_space
    /// axis stores 0.0031622776601683794; the tick reads 0.00316).
    /// </summary>
    public static string TickLabel(double value, string text)
    {
        if (text.Length <= 7 || !double.IsFinite(value))
        {
            return text;
        }

        double abs = Math.Abs(value);
        return abs != 0 && (abs < 1e-3 || abs >= 1e5)
            ? value.ToString("0.##e-0", CultureInfo.InvariantCulture)
            : value.ToString("G3", CultureInfo.InvariantCulture);
    }

    /// <summary>A value written into a heatmap cell or a caption: three significant digits, scientific when tiny or huge.</summary>
    public static string Short(double value)
    {
        if (!double.IsFinite(value))
        {
            return "n/a";
        }

        double abs = Math.Abs(value);
        return abs != 0 && (abs < 1e-2 || abs >= 1e4)
            ? value.ToString("0.##e-0", CultureInfo.InvariantCulture)
            : value.ToString("G3", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Whether a summary is drawn on a log scale (log colour in the heatmaps, log y in the line plots, geometric means
    /// over seeds in both): its finite values of completed trials are positive and span more than two decades
    /// (<see cref="AxisScale.ShouldUseLog"/>).
    /// </summary>
    public static bool SummaryUsesLog(SummaryTable table, string summary) =>
        AxisScale.ShouldUseLog([[.. table.Rows.Where(r => Classify(r, summary) == TrialOutcome.Value).Select(r => r.Values[summary])]]);

    /// <summary>
    /// The fraction of the full grid over <paramref name="axes"/> that has at least one trial: 1 for a grid sweep (queued
    /// trials count), about 1/n for n random trials. Below one half the values are samples, not a grid.
    /// </summary>
    public static double GridFill(IEnumerable<SummaryRow> rows, IReadOnlyList<SweptAxis> axes)
    {
        double cells = axes.Aggregate(1.0, (p, a) => p * Math.Max(1, a.Texts.Count));
        var seen = new HashSet<CellKey>();
        foreach (SummaryRow row in rows)
        {
            int[] idx = [.. axes.Select(a => a.IndexOf(row))];
            if (idx.All(i => i >= 0))
            {
                seen.Add(new CellKey(idx));
            }
        }

        return seen.Count / cells;
    }

    /// <summary>What one trial contributes to one summary: a value, or why it has none.</summary>
    public static TrialOutcome Classify(SummaryRow row, string summary)
    {
        string status = row.Status.Trim().ToLowerInvariant();
        switch (status)
        {
            case "diverged":
                return TrialOutcome.Diverged;
            case "failed":
                return TrialOutcome.Failed;
            case "completed":
                break;
            default:
                return TrialOutcome.Unfinished; // queued, running, or a status this report does not know
        }

        double v = row.Values.TryGetValue(summary, out double x) ? x : double.NaN;
        if (double.IsNaN(v))
        {
            return TrialOutcome.Missing;
        }

        // A completed run whose summary is ±∞ (or astronomically large) blew up without being flagged.
        return double.IsFinite(v) && Math.Abs(v) <= Curve.Overflow ? TrialOutcome.Value : TrialOutcome.Diverged;
    }

    /// <summary>
    /// Groups the rows by their values on <paramref name="keys"/> (every other axis — seeds and the rest — is averaged
    /// over) and reduces each group to <see cref="CellStats"/>. Rows without a value on a key axis are left out.
    /// With <paramref name="logSpace"/> the mean and spread are taken over log10 of the values (a geometric mean).
    /// </summary>
    public static Dictionary<CellKey, CellStats> Cells(IEnumerable<SummaryRow> rows, string summary, IReadOnlyList<SweptAxis> keys, bool logSpace = false)
    {
        var groups = new Dictionary<CellKey, List<(TrialOutcome Outcome, double Value)>>();
        foreach (SummaryRow row in rows)
        {
            int[] idx = new int[keys.Count];
            bool ok = true;
            for (int k = 0; k < keys.Count && ok; k++)
            {
                idx[k] = keys[k].IndexOf(row);
                ok = idx[k] >= 0;
            }

            if (!ok)
            {
                continue;
            }

            var key = new CellKey(idx);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
            }

            TrialOutcome outcome = Classify(row, summary);
            list.Add((outcome, outcome == TrialOutcome.Value ? row.Values[summary] : double.NaN));
        }

        return groups.ToDictionary(g => g.Key, g => CellStats.From(g.Value, logSpace));
    }
}

/// <summary>Why a trial does or does not give a value to a figure.</summary>
internal enum TrialOutcome
{
    /// <summary>Completed with a finite summary value.</summary>
    Value,

    /// <summary>Status diverged, or completed with a ±∞ summary.</summary>
    Diverged,

    /// <summary>Status failed.</summary>
    Failed,

    /// <summary>Queued or running.</summary>
    Unfinished,

    /// <summary>Completed, but the summary is NaN (the metric was not recorded, or a threshold never reached).</summary>
    Missing,
}

/// <summary>Indexes into the key axes' values; equal by content.</summary>
internal readonly struct CellKey : IEquatable<CellKey>
{
    private readonly int[] _index;

    public CellKey(params int[] index) => _index = index;

    public int this[int axis] => _index[axis];

    public int Count => _index.Length;

    public bool Equals(CellKey other) => _index.AsSpan().SequenceEqual(other._index);

    public override bool Equals(object? obj) => obj is CellKey k && Equals(k);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int i in _index)
        {
            h.Add(i);
        }

        return h.ToHashCode();
    }

    public override string ToString() => "(" + string.Join(", ", _index) + ")";
}

/// <summary>
/// The trials of one cell (or one point of a line): mean and spread of the finite values of completed trials —
/// diverged, failed, unfinished and missing ones are counted, never averaged in. On a log scale the mean is geometric
/// (the mean of log10) and the band multiplicative, so it never reaches zero or below.
/// </summary>
/// <param name="Mean">The (geometric, on a log scale) mean; NaN when no trial gave a value.</param>
/// <param name="Lo">Mean − 1 std (on a log scale: 10^(mean − std) of log10); equals the mean for a single value.</param>
/// <param name="Hi">Mean + 1 std, likewise.</param>
internal sealed record CellStats(double Mean, double Lo, double Hi, int Used, int Diverged, int Failed, int Unfinished, int Missing)
{
    public int Total => Used + Diverged + Failed + Unfinished + Missing;

    /// <summary>Every trial that finished diverged: the cell is a divergence, not a colour.</summary>
    public bool AllDiverged => Used == 0 && Diverged > 0;

    public static CellStats From(IReadOnlyList<(TrialOutcome Outcome, double Value)> trials, bool logSpace)
    {
        double[] values = [.. trials.Where(t => t.Outcome == TrialOutcome.Value).Select(t => logSpace ? Math.Log10(t.Value) : t.Value)];
        double mean = double.NaN, lo = double.NaN, hi = double.NaN;
        if (values.Length > 0 && values.All(double.IsFinite))
        {
            double m = values.Average();
            double std = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - m) * (v - m)) / (values.Length - 1)) : 0;
            (mean, lo, hi) = logSpace ? (Math.Pow(10, m), Math.Pow(10, m - std), Math.Pow(10, m + std)) : (m, m - std, m + std);
        }

        int Count(TrialOutcome o) => trials.Count(t => t.Outcome == o);
        return new CellStats(mean, lo, hi, values.Length, Count(TrialOutcome.Diverged), Count(TrialOutcome.Failed), Count(TrialOutcome.Unfinished), Count(TrialOutcome.Missing));
    }
}
