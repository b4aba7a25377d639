using System.Globalization;
using Gradscope.Lab.Spec;

namespace Gradscope.Lab.Sweeps;

/// <summary>
/// Reads a sweep file (YAML or JSON):
/// <code>
/// name: lr-vs-init
/// base: ../gallery/eos/1-chebyshev-gd-lr0.1.yaml   # a run spec file, or the spec inline
/// axes:
///   optimizer.lr: [0.05, 0.1, 0.2]                  # explicit values (as --set PATH=VALUE)
///   model.init.gain: { log_space: [0.5, 4], points: 6 }
///   seed: { uniform: [0, 1000], samples: 3 }        # or log_uniform
/// combine: grid                                      # or random, with trials: N
/// summary:
///   - { name: final_loss, metric: loss/train, reduce: last }
///   - { name: t_fit, metric: loss/train, reduce: { first_step_below: 0.01 } }
/// ensemble: auto                                     # on | off
/// </code>
/// Errors name the field path (<c>axes.optimizer.lrr</c>, <c>summary.1.reduce</c>) as for run specs;
/// every trial's run spec is validated when the sweep is expanded (<see cref="SweepPlan"/>).
/// </summary>
public static class SweepLoader
{
    private static readonly string[] Keys = ["name", "base", "axes", "combine", "trials", "seed", "summary", "ensemble"];

    public static readonly string[] Reductions = ["last", "first", "min", "max", "mean", "first_step_below", "first_time_below"];

    private static readonly string[] AxisKeys = ["log_uniform", "uniform", "log_space", "linspace", "samples", "points"];

    /// <summary>Whether a spec file is a sweep (a top-level <c>axes</c> key) rather than a run spec.</summary>
    public static bool IsSweepFile(string path)
    {
        var text = File.ReadAllText(path);
        var tree = SpecTreeReader.Read(text, SpecTreeReader.DetectFormat(Path.GetExtension(path), text), path, []);
        return tree is SpecMap m && m.Get("axes") is not null;
    }

    public static SweepSpec LoadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new SpecException(path, [new SpecError("", $"sweep file not found: {path}")]);
        }
        return Parse(File.ReadAllText(path), Path.GetExtension(path), path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    public static SweepSpec Parse(string text, string? formatHint = null, string? origin = null, string? baseDirectory = null)
    {
        var errors = new List<SpecError>();
        var tree = SpecTreeReader.Read(text, SpecTreeReader.DetectFormat(formatHint, text), origin, errors);
        if (errors.Count > 0)
        {
            throw new SpecException(origin, errors);
        }
        if (tree is not SpecMap root)
        {
            throw new SpecException(origin, [new SpecError("", "a sweep is a mapping with name, base, axes, ...")]);
        }
        foreach (var (key, node) in root.Entries)
        {
            if (!Keys.Contains(key))
            {
                errors.Add(new SpecError(key, $"unknown key{DidYouMean.Hint(key, Keys)}") { Source = root.KeySource(key) });
            }
        }

        string name = Scalar(root, "name", errors) ?? "sweep";
        var (baseTree, baseDir) = Base(root, baseDirectory, errors);
        var axes = Axes(root, errors);
        var combine = Scalar(root, "combine", errors) switch
        {
            null or "grid" => SweepCombine.Grid,
            "random" => SweepCombine.Random,
            var other => Fail(errors, "combine", $"must be grid or random, got '{other}'", SweepCombine.Grid),
        };
        int? trials = Int(root, "trials", errors);
        if (combine == SweepCombine.Random && trials is null)
        {
            errors.Add(new SpecError("trials", "required with combine: random (how many trials to draw)"));
        }
        if (combine == SweepCombine.Grid && trials is not null)
        {
            errors.Add(new SpecError("trials", "only with combine: random (a grid has one trial per combination)"));
        }
        if (trials is < 1)
        {
            errors.Add(new SpecError("trials", $"must be >= 1, got {trials}"));
        }
        if (combine == SweepCombine.Grid && axes.Any(a => a.IsRandom && a.Count < 1))
        {
            errors.Add(new SpecError("axes", "random axes of a grid need samples: N"));
        }
        long seed = Int(root, "seed", errors) ?? 0;
        var summary = Summaries(root, errors);
        var ensemble = Scalar(root, "ensemble", errors) switch
        {
            null or "auto" => EnsembleMode.Auto,
            "on" or "true" => EnsembleMode.On,
            "off" or "false" => EnsembleMode.Off,
            var other => Fail(errors, "ensemble", $"must be auto, on or off, got '{other}'", EnsembleMode.Auto),
        };
        if (errors.Count > 0 || baseTree is null)
        {
            throw new SpecException(origin, errors);
        }
        return new SweepSpec
        {
            Name = name,
            Base = baseTree,
            BaseDirectory = baseDir,
            Origin = origin,
            Axes = axes,
            Combine = combine,
            Trials = trials,
            Seed = seed,
            Summary = summary,
            Ensemble = ensemble,
            Canonical = text.Replace("\r\n", "\n", StringComparison.Ordinal),
        };
    }


    private static (SpecNode? Tree, string? Dir) Base(SpecMap root, string? dir, List<SpecError> errors)
    {
        switch (root.Get("base"))
        {
            case null:
                errors.Add(new SpecError("base", "required: a run spec file or an inline run spec"));
                return (null, dir);
            case SpecMap inline:
                return (inline, dir);
            case SpecScalar { IsNull: false } file:
            {
                var path = Path.IsPathRooted(file.Text) || dir is null ? file.Text : Path.Combine(dir, file.Text);
                if (!File.Exists(path))
                {
                    errors.Add(new SpecError("base", $"file not found: {path}") { Source = file.Source });
                    return (null, dir);
                }
                var text = File.ReadAllText(path);
                var tree = SpecTreeReader.Read(text, SpecTreeReader.DetectFormat(Path.GetExtension(path), text), path, errors);
                return (tree, Path.GetDirectoryName(Path.GetFullPath(path)));
            }
            default:
                errors.Add(new SpecError("base", "must be a file path or a mapping"));
                return (null, dir);
        }
    }

    private static List<SweepAxis> Axes(SpecMap root, List<SpecError> errors)
    {
        var axes = new List<SweepAxis>();
        if (root.Get("axes") is not SpecMap map || map.Entries.Count == 0)
        {
            errors.Add(new SpecError("axes", "required: at least one spec path with values, e.g. optimizer.lr: [0.01, 0.1]"));
            return axes;
        }
        foreach (var (path, node) in map.Entries)
        {
            string at = "axes." + path;
            switch (node)
            {
                case SpecSeq seq when seq.Items.Count > 0:
                    axes.Add(new SweepAxis(path, seq.Items.Select(Text).ToArray()));
                    break;
                case SpecMap dist:
                    axes.Add(Distribution(at, path, dist, errors));
                    break;
                case SpecScalar s when !s.IsNull:
                    axes.Add(new SweepAxis(path, [Text(s)]));
                    break;
                default:
                    errors.Add(new SpecError(at, "must be a list of values or a distribution ({log_uniform: [a, b], samples: n}, {log_space: [a, b], points: n}, ...)"));
                    break;
            }
        }
        return axes;
    }

    private static SweepAxis Distribution(string at, string path, SpecMap d, List<SpecError> errors)
    {
        foreach (var (key, _) in d.Entries)
        {
            if (!AxisKeys.Contains(key))
            {
                errors.Add(new SpecError($"{at}.{key}", $"unknown key{DidYouMean.Hint(key, AxisKeys)}"));
            }
        }
        var kind = d.Entries.Select(e => e.Key).FirstOrDefault(k => k is "log_uniform" or "uniform" or "log_space" or "linspace");
        if (kind is null)
        {
            errors.Add(new SpecError(at, "needs one of log_uniform, uniform (with samples) or log_space, linspace (with points)"));
            return new SweepAxis(path, []);
        }
        var range = d.Get(kind) as SpecSeq;
        double[] ab = range?.Items.OfType<SpecScalar>().Select(s => double.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray() ?? [];
        if (ab.Length != 2 || !ab.All(double.IsFinite) || !(ab[1] > ab[0]) || kind.StartsWith("log", StringComparison.Ordinal) && !(ab[0] > 0))
        {
            errors.Add(new SpecError($"{at}.{kind}", $"must be [low, high] with low < high{(kind.StartsWith("log", StringComparison.Ordinal) ? " and low > 0" : "")}"));
            return new SweepAxis(path, []);
        }
        string countKey = kind is "log_uniform" or "uniform" ? "samples" : "points";
        int count = d.Get(countKey) is SpecScalar c && int.TryParse(c.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
        if (d.Get(countKey) is not null && count < 1 || count < 2 && countKey == "points")
        {
            errors.Add(new SpecError($"{at}.{countKey}", countKey == "points" ? "required: how many values (>= 2)" : "must be an integer >= 1"));
        }
        if (kind is "log_space" or "linspace")
        {
            var values = Enumerable.Range(0, Math.Max(count, 2)).Select(i =>
            {
                int last = Math.Max(count, 2) - 1;
                double t = (double)i / last;
                // The ends exactly as written (exp(log b) need not round back to b).
                double v = i == 0 ? ab[0] : i == last ? ab[1]
                    : kind == "linspace" ? ab[0] + t * (ab[1] - ab[0]) : Math.Exp(Math.Log(ab[0]) + t * (Math.Log(ab[1]) - Math.Log(ab[0])));
                return v.ToString("R", CultureInfo.InvariantCulture);
            }).ToArray();
            return new SweepAxis(path, values);
        }
        return new SweepAxis(path, null, kind, ab[0], ab[1], count);
    }

    private static List<SummarySpec> Summaries(SpecMap root, List<SpecError> errors)
    {
        var list = new List<SummarySpec>();
        if (root.Get("summary") is not { } node)
        {
            return list;
        }
        if (node is not SpecSeq seq)
        {
            errors.Add(new SpecError("summary", "must be a list of {name, metric, reduce}"));
            return list;
        }
        for (int i = 0; i < seq.Items.Count; i++)
        {
            string at = $"summary.{i}";
            if (seq.Items[i] is not SpecMap m)
            {
                errors.Add(new SpecError(at, "must be {name, metric, reduce}"));
                continue;
            }
            foreach (var (key, _) in m.Entries)
            {
                if (key is not ("name" or "metric" or "reduce"))
                {
                    errors.Add(new SpecError($"{at}.{key}", $"unknown key{DidYouMean.Hint(key, ["name", "metric", "reduce"])}"));
                }
            }
            string? metric = (m.Get("metric") as SpecScalar)?.Text;
            string? name = (m.Get("name") as SpecScalar)?.Text ?? metric;
            if (metric is null)
            {
                errors.Add(new SpecError($"{at}.metric", "required: a metric name such as loss/train"));
                continue;
            }
            string reduce = "last";
            double? threshold = null;
            switch (m.Get("reduce"))
            {
                case null:
                    break;
                case SpecScalar s:
                    reduce = s.Text;
                    break;
                case SpecMap r when r.Entries.Count == 1:
                    reduce = r.Entries[0].Key;
                    threshold = r.Entries[0].Value is SpecScalar t && double.TryParse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : null;
                    if (threshold is null)
                    {
                        errors.Add(new SpecError($"{at}.reduce.{reduce}", "must be a number"));
                    }
                    break;
                default:
                    errors.Add(new SpecError($"{at}.reduce", $"must be one of {string.Join(", ", Reductions)}"));
                    continue;
            }
            if (!Reductions.Contains(reduce))
            {
                errors.Add(new SpecError($"{at}.reduce", $"'{reduce}' is not one of {string.Join(", ", Reductions)}{DidYouMean.Hint(reduce, Reductions)}"));
            }
            else if (reduce.EndsWith("_below", StringComparison.Ordinal) && threshold is null)
            {
                errors.Add(new SpecError($"{at}.reduce", $"{reduce} takes a threshold: {{{reduce}: 0.01}}"));
            }
            if (list.Any(s => s.Name == name))
            {
                errors.Add(new SpecError($"{at}.name", $"duplicate summary name '{name}'"));
            }
            list.Add(new SummarySpec(name!, metric, reduce, threshold));
        }
        return list;
    }

    private static string Text(SpecNode n) => n switch
    {
        SpecScalar s => s.IsNull ? "null" : s.Quoted ? $"'{s.Text}'" : s.Text,
        SpecSeq q => "[" + string.Join(", ", q.Items.Select(Text)) + "]",
        SpecMap m => "{" + string.Join(", ", m.Entries.Select(e => $"{e.Key}: {Text(e.Value)}")) + "}",
        _ => "",
    };

    private static string? Scalar(SpecMap root, string key, List<SpecError> errors)
    {
        var n = root.Get(key);
        if (n is null || n is SpecScalar { IsNull: true })
        {
            return null;
        }
        if (n is SpecScalar s)
        {
            return s.Text;
        }
        errors.Add(new SpecError(key, "must be a single value"));
        return null;
    }

    private static int? Int(SpecMap root, string key, List<SpecError> errors)
    {
        var s = Scalar(root, key, errors);
        if (s is null)
        {
            return null;
        }
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }
        errors.Add(new SpecError(key, $"must be an integer, got '{s}'"));
        return null;
    }

    private static T Fail<T>(List<SpecError> errors, string path, string message, T fallback)
    {
        errors.Add(new SpecError(path, message));
        return fallback;
    }
}
