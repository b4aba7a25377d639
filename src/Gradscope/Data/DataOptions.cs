namespace Gradscope.Data;

/// <summary>
/// Everything the <c>data:</c> block of a spec can say, as plain nullable fields; the spec layer
/// maps its validated model onto this record and <see cref="DatasetFactory.Create{T}"/> checks the
/// combination for the chosen <see cref="Kind"/> (a field a kind does not use must be null).
/// Property names are the PascalCase forms of the spec's snake_case keys (design notes §3.2);
/// error messages name the spec key, e.g. <c>data.test_fraction</c>.
/// </summary>
public sealed record DataOptions
{
    /// <summary>One of <see cref="DatasetFactory.Kinds"/>: linear-teacher, teacher-student, hierarchical, orthogonal, gaussian-mixture, chebyshev, tensors, csv, fashion-mnist.</summary>
    public required string Kind { get; init; }

    /// <summary>Input dimension d (generated kinds).</summary>
    public int? Inputs { get; init; }

    /// <summary>Output dimension k (linear-teacher, teacher-student).</summary>
    public int? Outputs { get; init; }

    /// <summary>Number of training samples (generated kinds).</summary>
    public int? Samples { get; init; }

    /// <summary>Generated kinds: extra samples drawn fresh from the same distribution as the test split. fashion-mnist: size of the test subset of t10k.</summary>
    public int? TestSamples { get; init; }

    /// <summary>linear-teacher: the teacher's singular values s (r = their count, r ≤ min(inputs, outputs)), used in the order given.</summary>
    public double[]? SingularValues { get; init; }

    /// <summary>linear-teacher: make the training inputs exactly white, (1/n) XᵀX = I.</summary>
    public bool? Whiten { get; init; }

    /// <summary>Standard deviation of Gaussian label noise added to regression targets (linear-teacher, teacher-student). Default 0.</summary>
    public double? Noise { get; init; }

    /// <summary>teacher-student: hidden width of the teacher.</summary>
    public int? Hidden { get; init; }

    /// <summary>teacher-student: the teacher's activation (an <see cref="Nn.Activation"/> spec name; default relu).</summary>
    public string? TeacherActivation { get; init; }

    /// <summary>hierarchical: depth of the binary tree (2^depth items).</summary>
    public int? Depth { get; init; }

    /// <summary>chebyshev: degree k of the target T_k(x) (default 5).</summary>
    public int? Degree { get; init; }

    /// <summary>gaussian-mixture: number of clusters. tensors/csv: number of classes (default max label + 1). fashion-mnist: use classes 0..classes-1.</summary>
    public int? Classes { get; init; }

    /// <summary>fashion-mnist: the subset of classes to keep, relabelled 0..k-1 in the order given.</summary>
    public int[]? ClassList { get; init; }

    /// <summary>gaussian-mixture: the distance between any two cluster means. Default 4.</summary>
    public double? Separation { get; init; }

    /// <summary>gaussian-mixture: the isotropic standard deviation of each cluster. Default 1.</summary>
    public double? Std { get; init; }

    /// <summary>tensors/csv: the training file.</summary>
    public string? Path { get; init; }

    /// <summary>tensors/csv: an optional test file with the same layout.</summary>
    public string? TestPath { get; init; }

    /// <summary>csv: the regression target columns (header names, or 0-based indices without a header); the other columns are inputs.</summary>
    public string[]? TargetColumns { get; init; }

    /// <summary>csv: the integer class-label column (classification); the other columns are inputs.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>csv: whether the first row names the columns. Default true.</summary>
    public bool? Header { get; init; }

    /// <summary>fashion-mnist: the directory holding the four IDX .gz files. Default <see cref="FashionMnist.DefaultDirectory"/>.</summary>
    public string? Dir { get; init; }

    /// <summary>fashion-mnist: size of the (class-balanced, seeded) training subset. Default: all of the selected classes.</summary>
    public int? TrainSamples { get; init; }

    /// <summary>
    /// Input standardisation for file kinds (fashion-mnist, tensors, csv), with statistics of the
    /// training split applied to both splits: <c>none</c> (default), <c>global</c> (one mean and
    /// std over every input value; <c>true</c> is an alias), <c>per-feature</c> (each input
    /// column on its own; alias <c>per-pixel</c>; a constant column is only centred).
    /// </summary>
    public string? Standardize { get; init; }

    /// <summary>Hold out this fraction (0 &lt; f &lt; 1) of the samples as the test split, chosen with the split key.</summary>
    public double? TestFraction { get; init; }

    /// <summary>Seed of the key for <see cref="TestFraction"/>'s hold-out (default: derived from the data key), so the split can be fixed while the data vary or vice versa.</summary>
    public long? SplitSeed { get; init; }
}
