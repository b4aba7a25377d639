using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Data;

/// <summary>
/// <c>tensors</c>: a safetensors file with <c>x</c> [n, d] (F32 or F64) and <c>y</c>, either
/// [n, k] F32/F64 targets (regression) or [n] I64/I32 class labels (classification: Y one-hot,
/// Classes = data.classes or max label + 1 over both files). <c>test_path</c> is an optional test
/// file with the same layout (same d, same task, same k).
/// </summary>
internal static class TensorsData
{
    public static Dataset<T> Create<T>(OptionGuard g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = g.Options;
        g.OnlyUses("path", "test_path", "classes", "standardize");
        g.NotBoth("test_path", o.TestPath);
        string path = o.Path ?? throw g.Missing("path");
        var train = Read<T>(path);
        Part<T>? test = o.TestPath is string tp ? Read<T>(tp) : null;
        if (test is not null)
        {
            if (test.X.Shape[1] != train.X.Shape[1])
            {
                throw new DataException($"{o.TestPath}: tensor 'x' has {test.X.Shape[1]} features but {path} has {train.X.Shape[1]}");
            }
            if ((test.Labels is null) != (train.Labels is null))
            {
                throw new DataException($"{o.TestPath}: tensor 'y' holds {(test.Labels is null ? "float targets" : "integer labels")} but {path} holds {(train.Labels is null ? "float targets" : "integer labels")}");
            }
            if (test.Y is not null && test.Y.Shape[1] != train.Y!.Shape[1])
            {
                throw new DataException($"{o.TestPath}: tensor 'y' has {test.Y.Shape[1]} columns but {path} has {train.Y.Shape[1]}");
            }
        }
        if (train.Labels is null)
        {
            if (o.Classes is not null)
            {
                throw g.Bad("classes", $"only applies to integer labels, but tensor 'y' of {path} holds float targets");
            }
            return new Dataset<T>("tensors", TaskKind.Regression, new DataSplit<T>(train.X, train.Y!, null),
                test is null ? null : new DataSplit<T>(test.X, test.Y!, null), 0);
        }
        int classes = ClassLabels.Count(g, o.Classes, (path, train.Labels), test is null ? null : (o.TestPath!, test.Labels!));
        return new Dataset<T>("tensors", TaskKind.Classification,
            new DataSplit<T>(train.X, Tensor.OneHot<T>(train.Labels, classes), train.Labels),
            test is null ? null : new DataSplit<T>(test.X, Tensor.OneHot<T>(test.Labels!, classes), test.Labels), classes);
    }

    private sealed record Part<T>(Tensor<T> X, Tensor<T>? Y, int[]? Labels) where T : unmanaged, IFloatingPointIeee754<T>;

    private static Part<T> Read<T>(string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        SafeTensorFile file;
        try
        {
            file = SafeTensorFile.Load(path);
        }
        catch (FileNotFoundException e)
        {
            throw new DataException($"{path}: file not found", e);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot read safetensors file ({e.Message})", e);
        }
        var x = Require(file, path, "x");
        if (x.Shape.Length != 2 || x.DType is not ("F32" or "F64"))
        {
            throw new DataException($"{path}: tensor 'x' must be [n, d] float (F32 or F64), got {x.DType} {Shapes.Format(x.Shape)}");
        }
        int n = x.Shape[0];
        if (n == 0)
        {
            throw new DataException($"{path}: tensor 'x' has no samples (shape {Shapes.Format(x.Shape)})");
        }
        var y = Require(file, path, "y");
        bool floatY = y.DType is "F32" or "F64", intY = y.DType is "I64" or "I32";
        if (!(floatY && y.Shape.Length == 2 || intY && y.Shape.Length == 1))
        {
            throw new DataException($"{path}: tensor 'y' must be [n, k] float (regression targets) or [n] int64 (class labels), got {y.DType} {Shapes.Format(y.Shape)}");
        }
        if (y.Shape[0] != n)
        {
            throw new DataException($"{path}: tensor 'y' has {y.Shape[0]} rows but 'x' has {n}");
        }
        if (floatY)
        {
            return new Part<T>(file.Get<T>("x"), file.Get<T>("y"), null);
        }
        int[] labels;
        try
        {
            labels = file.GetInts("y").Values;
        }
        catch (OverflowException e)
        {
            throw new DataException($"{path}: tensor 'y' holds a label outside the int32 range", e);
        }
        return new Part<T>(file.Get<T>("x"), null, labels);
    }

    private static RawTensor Require(SafeTensorFile file, string path, string name) =>
        file.Tensors.TryGetValue(name, out var t) ? t
        : throw new DataException($"{path}: missing tensor '{name}' (the file has: {(file.Tensors.Count == 0 ? "no tensors" : string.Join(", ", file.Tensors.Keys.Order(StringComparer.Ordinal)))})");
}
