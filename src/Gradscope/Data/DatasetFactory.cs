using System.Numerics;
using Gradscope.Random;

namespace Gradscope.Data;

/// <summary>
/// Builds the dataset a spec's <c>data:</c> block describes (design notes §3.2). Generated kinds
/// are made in float64 from the key and converted to T, so the float32 dataset is the float64 one
/// rounded; the same options and key give bitwise-identical data. Bad options and bad or missing
/// files raise <see cref="DataException"/>.
/// </summary>
public static class DatasetFactory
{
    /// <summary>The spec's data kinds.</summary>
    public static readonly string[] Kinds =
        ["linear-teacher", "teacher-student", "hierarchical", "orthogonal", "gaussian-mixture", "chebyshev", "tensors", "csv", "fashion-mnist"];

    /// <summary>
    /// The dataset of <paramref name="options"/>, drawn with <paramref name="key"/>. A test split
    /// comes from <see cref="DataOptions.TestSamples"/> (fresh samples of generated kinds),
    /// <see cref="DataOptions.TestPath"/> (file kinds), the t10k set (fashion-mnist), or
    /// <see cref="DataOptions.TestFraction"/> (a seeded hold-out of the samples, for any kind; the
    /// split key comes from <see cref="DataOptions.SplitSeed"/> when given, else from
    /// <paramref name="key"/>). Standardisation (file kinds) uses training statistics only.
    /// </summary>
    public static Dataset<T> Create<T>(DataOptions options, RngKey key) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float))
        {
            throw new NotSupportedException($"datasets are float64 or float32, not {typeof(T).Name}");
        }
        var g = new OptionGuard(options);
        RngKey splitKey = DataKeys.SplitKey(key, options.SplitSeed);
        bool fileKind = options.Kind is "tensors" or "csv" or "fashion-mnist";
        StandardizeMode standardize = fileKind ? Standardization.Parse(options.Standardize) : StandardizeMode.None;
        Dataset<T> d = options.Kind switch
        {
            "linear-teacher" => LinearTeacherData.Create<T>(g, key, splitKey),
            "teacher-student" => TeacherStudentData.Create<T>(g, key),
            "hierarchical" => HierarchicalData.Create<T>(g),
            "orthogonal" => OrthogonalData.Create<T>(g, key),
            "gaussian-mixture" => GaussianMixtureData.Create<T>(g, key),
            "chebyshev" => ChebyshevData.Create<T>(g),
            "tensors" => TensorsData.Create<T>(g),
            "csv" => CsvData.Create<T>(g),
            "fashion-mnist" => FashionMnist.Create<T>(g, key),
            _ => throw new DataException($"data.kind: unknown kind '{options.Kind}' (expected one of: {string.Join(", ", Kinds)})"),
        };
        // linear-teacher holds out before whitening, so its training inputs are exactly white.
        if (options.TestFraction is double f && options.Kind != "linear-teacher")
        {
            d = Holdout.Apply(d, f, splitKey);
        }
        return Standardization.ApplyInPlace(d, standardize);
    }
}
