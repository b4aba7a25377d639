namespace Gradscope.Lab.Report;

/// <summary>
/// Figures of a comparison report: the same metric of several runs overlaid, one colour per run, against
/// gradient-flow time — the only abscissa in which flow and GD runs (or nets of different depth) line up.
/// </summary>
internal static class ComparisonCharts
{
    /// <summary>At most this many overlay figures (after the mode plot); the page notes any left out.</summary>
    public const int MaxFigures = 24;

    public const string KeyPrefix = "compare_";

    public static List<ChartSpec> Build(IReadOnlyList<(string Label, MetricTable Table)> runs, List<string> notes)
    {
        // One abscissa for all runs: time if every run that has metrics has usable times, else step.
        XAxisKind x = runs.Where(r => !r.Table.IsEmpty)
            .All(r => r.Table.Names.Any(n => r.Table.Get(n)!.HasUsableTime())) ? XAxisKind.Time : XAxisKind.Step;

        var charts = new List<ChartSpec>();
        if (Modes(runs, x) is { } modes)
        {
            charts.Add(modes);
        }

        charts.AddRange(SharpnessPlot.Compare(runs, x));

        List<string> keys = OverlayKeys(runs.Select(r => r.Table));
        if (keys.Count > MaxFigures)
        {
            notes.Add($"Only the first {MaxFigures} of {keys.Count} metric families are compared: {string.Join(", ", keys.Skip(MaxFigures))} left out.");
            keys = keys.Take(MaxFigures).ToList();
        }

        var used = new HashSet<string>(charts.Select(c => c.Key), StringComparer.Ordinal) { ModeStrengthPlot.Key };
        foreach (string key in keys)
        {
            bool headline = key.StartsWith(MetricNames.LossPrefix, StringComparison.Ordinal);
            var spec = new ChartSpec
            {
                Key = FamilyPlots.UniqueKey(KeyPrefix + MetricNames.Slug(key), used),
                Title = key,
                XLabel = XAxisChoice.Label(x),
                YLabel = key,
                Width = headline ? ChartSpec.DefaultWidth : ChartSpec.SmallWidth,
                Height = headline ? ChartSpec.DefaultHeight : ChartSpec.SmallHeight,
            };

            for (int r = 0; r < runs.Count; r++)
            {
                List<MetricSeries> members = [.. runs[r].Table.Names.Where(n => OverlayKey(n) == key).Select(n => runs[r].Table.Get(n)!)];
                for (int i = 0; i < members.Count; i++)
                {
                    // Indexed members (balancedness/1..L, hessian/eig/1..k) share their run's colour; one legend row per run.
                    float width = Strokes.Nested(r, widest: 5f, step: 1.2f, narrowest: 1.5f) * (i == 0 ? 1f : 0.6f);
                    spec.Lines.Add(new ChartLine(i == 0 ? runs[r].Label : null, Curve.From(members[i], x), Palette.At(r), width, Opacity: 0.85));
                }
            }

            if (spec.HasData)
            {
                charts.Add(spec);
            }
            else
            {
                notes.Add($"Not plotted: {key} (no finite values in any run).");
            }
        }

        return charts;
    }

    /// <summary>
    /// Mode strengths of every run (solid band, run colour) with each run's theory dashed on top in one neutral
    /// colour: runs that share a theory (flow vs GD of the same net) have identical curves, and dashes in run
    /// colours would hide each other; each dashed curve sits on the band of the run it predicts.
    /// </summary>
    private static ChartSpec? Modes(IReadOnlyList<(string Label, MetricTable Table)> runs, XAxisKind x)
    {
        var spec = new ChartSpec
        {
            Key = KeyPrefix + ModeStrengthPlot.Key,
            Title = "Mode strengths vs theory",
            XLabel = XAxisChoice.Label(x),
            YLabel = "mode strength u_k",
            Caption = "Solid: measured mode strengths u_k = u_kᵀ W v_k, one colour per run; dashed: each run's closed-form prediction (Saxe et al. 2014).",
            AllowLogY = false,
        };

        var theories = new List<ChartLine>();
        for (int r = 0; r < runs.Count; r++)
        {
            bool labelled = false;
            foreach ((MetricSeries? measured, MetricSeries? theory) in ModeStrengthPlot.Collect(runs[r].Table).Values)
            {
                if (measured is not null)
                {
                    spec.Lines.Add(ModeStrengthPlot.Measured(labelled ? null : runs[r].Label, Curve.From(measured, x), Palette.At(r)) with
                    {
                        Width = Strokes.Nested(r, widest: 8f, step: 1.8f, narrowest: 2.5f),
                        Opacity = 0.6,
                    });
                    labelled = true;
                }

                if (theory is not null)
                {
                    theories.Add(ModeStrengthPlot.Theory(null, Curve.From(theory, x), Palette.Theory) with { Width = 1.4f });
                }
            }
        }

        if (spec.Lines.Count == 0 && theories.Count == 0)
        {
            return null;
        }

        spec.Lines.AddRange(theories); // on top of every measured band
        if (theories.Count > 0)
        {
            spec.ExtraLegend.Add(ModeStrengthPlot.TheoryLegend);
        }

        return spec.HasData ? spec : null;
    }

    /// <summary>
    /// Families compared across runs: every name except per-parameter ones (<c>grad_norm/&lt;param&gt;</c>,
    /// <c>sv/...</c>) and the modes (drawn above); a trailing index is folded (<c>balancedness/2</c> -> <c>balancedness</c>).
    /// Loss first, then the global gradient norm and theory agreement, then the rest in natural order.
    /// </summary>
    internal static List<string> OverlayKeys(IEnumerable<MetricTable> tables)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (MetricTable table in tables)
        {
            foreach (string name in table.Names)
            {
                if (name.StartsWith(MetricNames.GradNormPrefix, StringComparison.Ordinal)
                    || name.StartsWith(MetricNames.SingularValuePrefix, StringComparison.Ordinal)
                    || MetricNames.TryIndex(name, MetricNames.ModePrefix, out _)
                    || MetricNames.TryIndex(name, MetricNames.TheoryModePrefix, out _)
                    || SharpnessPlot.Draws(name))
                {
                    continue;
                }

                keys.Add(OverlayKey(name));
            }
        }

        static int Rank(string key) => key switch
        {
            "loss/train" => 0,
            "loss/test" => 1,
            _ when key.StartsWith(MetricNames.LossPrefix, StringComparison.Ordinal) => 2,
            MetricNames.GradNorm => 3,
            "theory/max_rel_error" => 4,
            _ => 5,
        };

        return [.. keys.OrderBy(Rank).ThenBy(k => k, NaturalComparer.Instance)];
    }

    /// <summary><c>hessian/eig/3</c> -> <c>hessian/eig</c>; names without a trailing index are their own key.</summary>
    internal static string OverlayKey(string name)
    {
        int slash = name.LastIndexOf('/');
        if (slash <= 0 || slash == name.Length - 1)
        {
            return name;
        }

        return name.AsSpan(slash + 1).ContainsAnyExceptInRange('0', '9') ? name : name[..slash];
    }
}
