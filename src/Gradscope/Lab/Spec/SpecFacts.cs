namespace Gradscope.Lab.Spec;

/// <summary>
/// Sizes a spec determines on its own (before any data is made), shared by the cross-field
/// checks and the computed defaults. Null means "known only when the data are read".
/// </summary>
public static class SpecFacts
{
    /// <summary>Fashion-MNIST: 28×28 pixels, 6,000 training and 1,000 test images per class.</summary>
    public const int FashionMnistInputs = 784;

    public const int FashionMnistTrainPerClass = 6000;

    public const int FashionMnistClasses = 10;

    /// <summary>Saxe et al.'s hierarchical data: 2^depth items (one-hot inputs).</summary>
    public static int HierarchicalItems(int depth) => 1 << depth;

    /// <summary>One feature per node of the binary tree of the given depth: 2^(depth+1) − 1.</summary>
    public static int HierarchicalFeatures(int depth) => (1 << (depth + 1)) - 1;

    /// <summary>Input dimension, when the spec fixes it.</summary>
    public static int? Inputs(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var d = spec.Data;
        return d.Kind switch
        {
            DataKind.Hierarchical => d.Depth is int depth ? HierarchicalItems(depth) : null,
            DataKind.Chebyshev => 1,
            DataKind.FashionMnist => FashionMnistInputs,
            DataKind.Tensors or DataKind.Csv => null,
            _ => d.Inputs ?? First(spec.Model.Widths),
        };
    }

    /// <summary>Number of classes for classification data, when the spec fixes it (0 = regression data).</summary>
    public static int? Classes(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var d = spec.Data;
        return d.Kind switch
        {
            DataKind.LinearTeacher or DataKind.TeacherStudent or DataKind.Hierarchical or DataKind.Chebyshev => 0,
            DataKind.Orthogonal => 2,
            DataKind.GaussianMixture => d.Classes,
            DataKind.FashionMnist => d.ClassList?.Count ?? FashionMnistClasses,
            DataKind.Csv when d.TargetColumns is not null => 0,
            _ => d.Classes,
        };
    }

    /// <summary>Samples before the hold-out split, when the spec fixes it.</summary>
    public static int? Samples(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var d = spec.Data;
        return d.Kind switch
        {
            DataKind.Hierarchical => d.Depth is int depth ? HierarchicalItems(depth) : null,
            DataKind.FashionMnist => d.TrainSamples ?? (d.ClassList?.Count ?? FashionMnistClasses) * FashionMnistTrainPerClass,
            DataKind.Tensors or DataKind.Csv => null,
            _ => d.Samples,
        };
    }

    /// <summary>Held-out test samples of <c>test_fraction</c>: round(f·n), halves away from zero.</summary>
    public static int HoldOut(int samples, double fraction) => (int)Math.Round(fraction * samples, MidpointRounding.AwayFromZero);

    /// <summary>Training samples after the hold-out split, when the spec fixes them.</summary>
    public static int? TrainSamples(ExperimentSpec spec) =>
        Samples(spec) is int n ? n - HoldOut(n, spec.Data.TestFraction) : null;

    /// <summary>Optimiser steps of the whole run (discrete optimisers), when the spec fixes it.</summary>
    public static long? TotalSteps(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Steps is long s)
        {
            return s;
        }
        if (spec.Epochs is not long e)
        {
            return null;
        }
        if (spec.Optimizer.BatchSize is not int b)
        {
            return e; // full batch: one step per epoch
        }
        return TrainSamples(spec) is int n ? e * ((n + b - 1) / b) : null;
    }

    private static int? First(ValueList<int> widths) => widths.Count > 0 ? widths[0] : null;
}
