using System.Globalization;
using Gradscope.Lab.Spec;
using Gradscope.Random;

namespace Gradscope.Lab.Sweeps;

/// <summary>One trial: its index, the axis values it sets (path → YAML value text) and its resolved run spec.</summary>
public sealed record Trial(int Index, IReadOnlyList<KeyValuePair<string, string>> Axes, ExperimentSpec Spec)
{
    /// <summary>The axis values as <c>--set</c> overrides.</summary>
    public IEnumerable<string> Overrides => Axes.Select(a => $"{a.Key}={a.Value}");
}

/// <summary>
/// A sweep's trials: the cartesian product of its axes (grid; sampled axes contribute their
/// <c>samples</c> draws) or <c>trials</c> independent draws (random; listed axes pick uniformly).
/// Every trial's run spec is loaded and validated like a run spec with <c>--set</c>: an axis path
/// the spec does not have is an error naming it (as <c>axes.PATH</c>).
/// </summary>
public static class SweepPlan
{
    public static IReadOnlyList<Trial> Expand(SweepSpec s)
    {
        var combos = s.Combine == SweepCombine.Grid ? Grid(s) : RandomDraws(s);
        var trials = new List<Trial>(combos.Count);
        var errors = new List<SpecError>();
        for (int i = 0; i < combos.Count; i++)
        {
            var axes = combos[i];
            try
            {
                var spec = SpecLoader.FromTree(s.Base, s.Origin, s.BaseDirectory, axes.Select(a => $"{a.Key}={a.Value}"));
                trials.Add(new Trial(i, axes, spec with { Name = $"{spec.Name}.{s.Name}.t{i}" }));
            }
            catch (SpecException e)
            {
                foreach (var err in e.Errors)
                {
                    // Errors at an axis path are the axis' fault: say so once, not once per trial.
                    var axis = axes.FirstOrDefault(a => err.Path == a.Key || err.Path.StartsWith(a.Key + ".", StringComparison.Ordinal) || a.Key.StartsWith(err.Path + ".", StringComparison.Ordinal));
                    var path = axis.Key is null ? err.Path : "axes." + err.Path;
                    var message = axis.Key is null ? $"{err.Message} (trial {i}: {Describe(axes)})" : $"{err.Message} (value {axis.Value})";
                    if (!errors.Any(x => x.Path == path && x.Message == message))
                    {
                        errors.Add(new SpecError(path, message));
                    }
                }
            }
        }
        if (errors.Count > 0)
        {
            throw new SpecException(s.Origin, errors);
        }
        return trials;
    }

    public static string Describe(IEnumerable<KeyValuePair<string, string>> axes) => string.Join(", ", axes.Select(a => $"{a.Key}={a.Value}"));

    private static List<KeyValuePair<string, string>[]> Grid(SweepSpec s)
    {
        var key = RngKey.FromSeed(s.Seed);
        var lists = s.Axes.Select((a, i) => a.Values ?? Sample(a, key.Fold((ulong)i), a.Count).Order().Select(Format).ToArray()).ToArray();
        var result = new List<KeyValuePair<string, string>[]> { Array.Empty<KeyValuePair<string, string>>() };
        for (int a = 0; a < lists.Length; a++)
        {
            result = [.. result.SelectMany(prefix => lists[a].Select(v => (KeyValuePair<string, string>[])[.. prefix, new(s.Axes[a].Path, v)]))];
        }
        return result;
    }

    private static List<KeyValuePair<string, string>[]> RandomDraws(SweepSpec s)
    {
        var key = RngKey.FromSeed(s.Seed);
        int n = s.Trials ?? 1;
        var columns = s.Axes.Select((a, i) =>
        {
            var k = key.Fold((ulong)i);
            if (a.Values is { } vs)
            {
                var idx = new int[n];
                Sampling.UniformInt(k, idx, 0, vs.Count);
                return idx.Select(j => vs[j]).ToArray();
            }
            return Sample(a, k, n).Select(Format).ToArray();
        }).ToArray();
        return [.. Enumerable.Range(0, n).Select(t => s.Axes.Select((a, i) => new KeyValuePair<string, string>(a.Path, columns[i][t])).ToArray())];
    }

    private static double[] Sample(SweepAxis a, RngKey key, int n)
    {
        var u = new double[n];
        Sampling.Uniform(key, u.AsSpan(), 0.0, 1.0);
        return a.Distribution == "log_uniform"
            ? u.Select(x => Math.Exp(Math.Log(a.Low) + x * (Math.Log(a.High) - Math.Log(a.Low)))).ToArray()
            : u.Select(x => a.Low + x * (a.High - a.Low)).ToArray();
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
