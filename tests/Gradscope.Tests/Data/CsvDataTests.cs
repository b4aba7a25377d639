using Gradscope.Data;
using Gradscope.Random;
using static Gradscope.Tests.Data.DataTestUtil;

namespace Gradscope.Tests.Data;

public class CsvDataTests
{
    private static readonly RngKey Key = RngKey.FromSeed(0);

    [Fact]
    public void RegressionTargetsByNameTheRestAreInputs()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("d.csv"), "a, t, b,u\n1,10,2,20\n\n3.5,-1e2,\"4\",0.25\n");
        var d = DatasetFactory.Create<double>(new DataOptions { Kind = "csv", Path = dir.File("d.csv"), TargetColumns = ["u", "t"] }, Key);
        Assert.Equal(TaskKind.Regression, d.Task);
        Assert.Equal([2, 2], d.Train.X.Shape);
        Assert.Equal([1.0, 2, 3.5, 4], d.Train.X.ToArray());
        Assert.Equal([20.0, 10, 0.25, -100], d.Train.Y.ToArray());
    }

    [Fact]
    public void LabelColumnWithoutHeaderByIndexWithTestFile()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("tr.csv"), "0.5,1,2\n1.5,0,3\n2.5,2,4\n");
        File.WriteAllText(dir.File("te.csv"), "9,1,8\n");
        var d = DatasetFactory.Create<float>(
            new DataOptions { Kind = "csv", Path = dir.File("tr.csv"), TestPath = dir.File("te.csv"), LabelColumn = "1", Header = false }, Key);
        Assert.Equal(TaskKind.Classification, d.Task);
        Assert.Equal(3, d.Classes);
        Assert.Equal([1, 0, 2], d.Train.Labels!);
        Assert.Equal([0.5f, 2, 1.5f, 3, 2.5f, 4], d.Train.X.ToArray());
        Assert.Equal([0f, 1, 0], d.Test!.Y.ToArray());
        Assert.Equal([9f, 8], d.Test.X.ToArray());
    }

    [Fact]
    public void ErrorsNameFileLineAndColumn()
    {
        using var dir = new TempDir();
        string p = dir.File("bad.csv");
        File.WriteAllText(p, "x1,x2,y\n1,2,3\n4,oops,6\n");
        var o = new DataOptions { Kind = "csv", Path = p, TargetColumns = ["y"] };
        var e = Assert.Throws<DataException>(() => DatasetFactory.Create<double>(o, Key));
        Assert.Contains($"{p}:3", e.Message);
        Assert.Contains("'x2'", e.Message);
        Assert.Contains("'oops'", e.Message);

        File.WriteAllText(p, "x1,x2,y\n1,2,3\n4,5\n");
        e = Assert.Throws<DataException>(() => DatasetFactory.Create<double>(o, Key));
        Assert.Contains($"{p}:3", e.Message);

        File.WriteAllText(p, "x1,x2,y\n1,2,3\n");
        e = Assert.Throws<DataException>(() => DatasetFactory.Create<double>(o with { TargetColumns = ["z"] }, Key));
        Assert.Contains("data.target_columns", e.Message);
        Assert.Contains("'z'", e.Message);

        File.WriteAllText(p, "x1,x2,y\n1,2,0.5\n");
        e = Assert.Throws<DataException>(() => DatasetFactory.Create<double>(o with { TargetColumns = null, LabelColumn = "y" }, Key));
        Assert.Contains($"{p}:2", e.Message);

        string missing = dir.File("none.csv");
        e = Assert.Throws<DataException>(() => DatasetFactory.Create<double>(o with { Path = missing }, Key));
        Assert.Contains(missing, e.Message);

        e = Assert.Throws<DataException>(() => DatasetFactory.Create<double>(o with { TargetColumns = null }, Key));
        Assert.Contains("label_column", e.Message);
    }
}
