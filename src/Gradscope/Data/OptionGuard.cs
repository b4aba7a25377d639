using System.Globalization;

namespace Gradscope.Data;

/// <summary>
/// Checks of <see cref="DataOptions"/> fields for one kind; every failure is a
/// <see cref="DataException"/> naming the spec key (<c>data.samples</c>), the kind and the value.
/// </summary>
internal sealed class OptionGuard(DataOptions options)
{
    public DataOptions Options { get; } = options;

    public string Kind => Options.Kind;

    /// <summary>Every field with its spec key, for the unused-field check.</summary>
    private static (string Key, object? Value)[] Fields(DataOptions o) =>
    [
        ("inputs", o.Inputs), ("outputs", o.Outputs), ("samples", o.Samples), ("test_samples", o.TestSamples),
        ("singular_values", o.SingularValues), ("whiten", o.Whiten), ("noise", o.Noise), ("hidden", o.Hidden),
        ("teacher_activation", o.TeacherActivation), ("depth", o.Depth), ("degree", o.Degree), ("classes", o.Classes),
        ("class_list", o.ClassList), ("separation", o.Separation), ("std", o.Std), ("path", o.Path),
        ("test_path", o.TestPath), ("target_columns", o.TargetColumns), ("label_column", o.LabelColumn),
        ("header", o.Header), ("dir", o.Dir), ("train_samples", o.TrainSamples), ("standardize", o.Standardize),
        ("test_fraction", o.TestFraction), ("split_seed", o.SplitSeed),
    ];

    /// <summary>Rejects any set field outside <paramref name="allowed"/> (test_fraction and split_seed are allowed for every kind).</summary>
    public void OnlyUses(params string[] allowed)
    {
        foreach (var (key, value) in Fields(Options))
        {
            if (value is not null && key is not ("test_fraction" or "split_seed") && Array.IndexOf(allowed, key) < 0)
            {
                throw Bad(key, $"is not an option of kind '{Kind}' (its options: {string.Join(", ", allowed.Append("test_fraction").Append("split_seed"))})");
            }
        }
        if (Options.TestFraction is double f && !(f > 0 && f < 1))
        {
            throw Bad("test_fraction", $"must be in (0, 1), got {Format(f)}");
        }
    }

    public DataException Bad(string key, string problem) => new($"data.{key}: {problem}");

    public DataException Missing(string key) => Bad(key, $"required for kind '{Kind}'");

    public int Positive(int? value, string key) =>
        value is not int v ? throw Missing(key) : v > 0 ? v : throw Bad(key, $"must be > 0, got {v}");

    public int PositiveOr(int? value, string key, int fallback) => value is null ? fallback : Positive(value, key);

    public double NonNegativeOr(double? value, string key, double fallback)
    {
        double v = value ?? fallback;
        return double.IsFinite(v) && v >= 0 ? v : throw Bad(key, $"must be a finite number >= 0, got {Format(v)}");
    }

    public double PositiveOr(double? value, string key, double fallback)
    {
        double v = value ?? fallback;
        return double.IsFinite(v) && v > 0 ? v : throw Bad(key, $"must be a finite number > 0, got {Format(v)}");
    }

    /// <summary>test_samples and test_fraction both define the test split: at most one may be given.</summary>
    public void NotBoth(string key, object? value)
    {
        if (value is not null && Options.TestFraction is not null)
        {
            throw Bad("test_fraction", $"cannot be combined with data.{key} (both define the test split)");
        }
    }

    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
