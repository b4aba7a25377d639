using Gradscope.Data;
using Gradscope.Random;
using Gradscope.Tensors;
using static Gradscope.Tests.Data.DataTestUtil;

namespace Gradscope.Tests.Data;

public class TensorsDataTests
{
    private static readonly RngKey Key = RngKey.FromSeed(0);

    private static Dataset<T> Load<T>(string path, string? testPath = null, int? classes = null, string? standardize = null)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        DatasetFactory.Create<T>(new DataOptions { Kind = "tensors", Path = path, TestPath = testPath, Classes = classes, Standardize = standardize }, Key);

    [Fact]
    public void RegressionFilesRoundTrip()
    {
        using var dir = new TempDir();
        var x = Tensor.FromArray(new[] { 1.0, 2, 3, 4, 5, 6 }, 3, 2);
        var y = Tensor.FromArray(new[] { 0.5, -1.5, 2.5 }, 3, 1);
        new SafeTensorFile().Add("x", x).Add("y", y).Save(dir.File("train.safetensors"));
        new SafeTensorFile().Add("x", Tensor.FromArray(new[] { 0.25f, 0.75f }, 1, 2)).Add("y", Tensor.FromArray(new[] { 9f }, 1, 1)).Save(dir.File("test.safetensors"));
        var d = Load<double>(dir.File("train.safetensors"), dir.File("test.safetensors"));
        Assert.Equal(TaskKind.Regression, d.Task);
        Assert.Equal(x.ToArray(), d.Train.X.ToArray());
        Assert.Equal(y.ToArray(), d.Train.Y.ToArray());
        Assert.Equal([0.25, 0.75], d.Test!.X.ToArray());   // F32 on disk, read exactly
        Assert.Equal([9.0], d.Test.Y.ToArray());
        Assert.Null(d.Train.Labels);
        Assert.Equal(x.ToArray().Select(v => (float)v), Load<float>(dir.File("train.safetensors")).Train.X.ToArray());

        // Global standardisation: training inputs get mean 0 and std 1; the test split uses the training statistics.
        var s = Load<double>(dir.File("train.safetensors"), dir.File("test.safetensors"), standardize: "global");
        double mean = 3.5, std = Math.Sqrt(17.5 / 6);
        Assert.Equal(x.ToArray().Select(v => (v - mean) / std), s.Train.X.ToArray(), (a, b) => Math.Abs(a - b) < 1e-14);
        Assert.Equal(new[] { 0.25, 0.75 }.Select(v => (v - mean) / std), s.Test!.X.ToArray(), (a, b) => Math.Abs(a - b) < 1e-14);
        // Per-feature: columns [1,3,5] and [2,4,6] both become [-√1.5, 0, √1.5].
        var pf = Load<double>(dir.File("train.safetensors"), standardize: "per-feature");
        double r = Math.Sqrt(1.5);
        Assert.Equal(new[] { -r, -r, 0, 0, r, r }, pf.Train.X.ToArray(), (a, b) => Math.Abs(a - b) < 1e-14);
    }

    [Fact]
    public void IntegerLabelsMakeAClassificationTask()
    {
        using var dir = new TempDir();
        new SafeTensorFile().Add("x", Tensor.FromArray(new[] { 1.0, 2, 3, 4 }, 4, 1)).AddInt64("y", [2L, 0L, 1L, 2L]).Save(dir.File("a.safetensors"));
        var d = Load<double>(dir.File("a.safetensors"));
        Assert.Equal(TaskKind.Classification, d.Task);
        Assert.Equal(3, d.Classes);
        Assert.Equal([2, 0, 1, 2], d.Train.Labels!);
        Assert.Equal([0.0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1], d.Train.Y.ToArray());
        Assert.Equal(5, Load<double>(dir.File("a.safetensors"), classes: 5).Classes);
        var e = Assert.Throws<DataException>(() => Load<double>(dir.File("a.safetensors"), classes: 2));
        Assert.Contains("a.safetensors", e.Message);
    }

    [Fact]
    public void ErrorsNameTheFileAndTheTensor()
    {
        using var dir = new TempDir();
        string noY = dir.File("noy.safetensors");
        new SafeTensorFile().Add("x", Tensor.Zeros<double>(2, 3)).Add("z", Tensor.Zeros<double>(2, 1)).Save(noY);
        var e = Assert.Throws<DataException>(() => Load<double>(noY));
        Assert.Contains(noY, e.Message);
        Assert.Contains("'y'", e.Message);

        string flatX = dir.File("flatx.safetensors");
        new SafeTensorFile().Add("x", Tensor.Zeros<double>(6)).Add("y", Tensor.Zeros<double>(6, 1)).Save(flatX);
        e = Assert.Throws<DataException>(() => Load<double>(flatX));
        Assert.Contains(flatX, e.Message);
        Assert.Contains("'x'", e.Message);
        Assert.Contains("[6]", e.Message);

        string rows = dir.File("rows.safetensors");
        new SafeTensorFile().Add("x", Tensor.Zeros<double>(4, 2)).Add("y", Tensor.Zeros<double>(3, 1)).Save(rows);
        e = Assert.Throws<DataException>(() => Load<double>(rows));
        Assert.Contains("'y'", e.Message);

        string floatLabels = dir.File("fl.safetensors");
        new SafeTensorFile().Add("x", Tensor.Zeros<double>(4, 2)).Add("y", Tensor.Zeros<double>(4)).Save(floatLabels);
        Assert.Contains("'y'", Assert.Throws<DataException>(() => Load<double>(floatLabels)).Message);

        string missing = dir.File("missing.safetensors");
        e = Assert.Throws<DataException>(() => Load<double>(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains("not found", e.Message);

        string garbage = dir.File("garbage.safetensors");
        File.WriteAllBytes(garbage, [1, 2, 3]);
        Assert.Contains(garbage, Assert.Throws<DataException>(() => Load<double>(garbage)).Message);

        string wide = dir.File("wide.safetensors");
        new SafeTensorFile().Add("x", Tensor.Zeros<double>(2, 5)).Add("y", Tensor.Zeros<double>(2, 1)).Save(wide);
        new SafeTensorFile().Add("x", Tensor.Zeros<double>(2, 3)).Add("y", Tensor.Zeros<double>(2, 1)).Save(noY);
        e = Assert.Throws<DataException>(() => Load<double>(noY, wide));
        Assert.Contains(wide, e.Message);
    }
}
