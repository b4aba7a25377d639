using Gradscope.Nn;

namespace Gradscope.Lab.Spec;

/// <summary>
/// <c>data:</c> — which dataset to make or read. Kind-specific properties are null for kinds that
/// do not use them; for the kinds that do, defaults are filled in (see <see cref="SpecTable"/>).
/// File paths are absolute (resolved against the spec file's directory).
/// </summary>
public sealed record DataSpec
{
    public DataKind Kind { get; init; }

    public int? Inputs { get; init; }

    public int? Outputs { get; init; }

    public int? Samples { get; init; }

    public int? TestSamples { get; init; }

    public ValueList<double>? SingularValues { get; init; }

    public bool? Whiten { get; init; }

    public double? Noise { get; init; }

    public int? Hidden { get; init; }

    public Activation? TeacherActivation { get; init; }

    public int? Depth { get; init; }

    /// <summary>chebyshev: degree k of the target T_k(x).</summary>
    public int? Degree { get; init; }

    /// <summary>gaussian-mixture: number of clusters; tensors/csv: number of classes (null = max label + 1).</summary>
    public int? Classes { get; init; }

    /// <summary>fashion-mnist <c>classes:</c> — the class indices (0..9) kept, relabelled 0..k-1 in this order; null = all ten.</summary>
    public ValueList<int>? ClassList { get; init; }

    public double? Separation { get; init; }

    public double? Std { get; init; }

    public string? Path { get; init; }

    public string? TestPath { get; init; }

    public ValueList<string>? TargetColumns { get; init; }

    public string? LabelColumn { get; init; }

    public bool? Header { get; init; }

    public string? Dir { get; init; }

    public int? TrainSamples { get; init; }

    public Standardize? Standardize { get; init; }

    /// <summary>Fraction of the samples held out as the test split (0 = none).</summary>
    public double TestFraction { get; init; }

    /// <summary>Seed of the hold-out split; null = derived from the run's seed.</summary>
    public long? SplitSeed { get; init; }
}
