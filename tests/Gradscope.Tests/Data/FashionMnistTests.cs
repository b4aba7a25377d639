using System.Diagnostics;
using Xunit.Abstractions;
using Gradscope.Data;
using Gradscope.Random;
using static Gradscope.Tests.Data.DataTestUtil;

namespace Gradscope.Tests.Data;

public class FashionMnistTests(ITestOutputHelper output)
{
    private static readonly RngKey Key = RngKey.FromSeed(5);

    private static bool Installed => FashionMnist.FileNames.All(f => File.Exists(Path.Combine(FashionMnist.DefaultDirectory, f)));

    /// <summary>
    /// A fake IDX set of 2 x 3 images: image i has label i mod 4, first pixel 10·label and the others i (so
    /// rows can be traced back); train has <paramref name="n"/> images, t10k <paramref name="m"/>.
    /// </summary>
    private static void WriteFake(TempDir dir, int n, int m, int imageMagic = 2051)
    {
        foreach (var (prefix, count) in new[] { ("train", n), ("t10k", m) })
        {
            var pixels = new byte[count * 6];
            var labels = new byte[count];
            for (int i = 0; i < count; i++)
            {
                labels[i] = (byte)(i % 4);
                pixels.AsSpan(i * 6, 6).Fill((byte)i);
                pixels[i * 6] = (byte)(10 * labels[i]);
            }
            WriteIdxGz(dir.File($"{prefix}-images-idx3-ubyte.gz"), imageMagic, [count, 2, 3], pixels);
            WriteIdxGz(dir.File($"{prefix}-labels-idx1-ubyte.gz"), 2049, [count], labels);
        }
    }

    [Fact]
    public void RealFilesOrAClearInstallMessage()
    {
        var o = new DataOptions { Kind = "fashion-mnist", TrainSamples = 500, TestSamples = 100, ClassList = [0, 1] };
        if (!Installed)
        {
            var e = Assert.Throws<DataException>(() => DatasetFactory.Create<float>(o, Key));
            Assert.Contains("dataset-fashion-mnist", e.Message);
            Assert.Contains(FashionMnist.DefaultDirectory, e.Message);
            return;
        }
        var d = DatasetFactory.Create<float>(o, Key);
        Assert.Equal([500, 784], d.Train.X.Shape);
        Assert.Equal([500, 2], d.Train.Y.Shape);
        Assert.Equal([100, 784], d.Test!.X.Shape);
        Assert.Equal(2, d.Classes);
        Assert.All(d.Train.Labels!, l => Assert.InRange(l, 0, 1));
        Assert.Equal(250, d.Train.Labels!.Count(l => l == 0));      // balanced subset
        Assert.InRange(d.Train.X.ToArray().Min(), 0f, 0f);
        Assert.InRange(d.Train.X.ToArray().Max(), 0.9f, 1f);        // pixels scaled to [0, 1]
        // Same key, same subset; another key, another subset.
        Assert.Equal(d.Train.X.ToArray(), DatasetFactory.Create<float>(o, Key).Train.X.ToArray());
        Assert.NotEqual(d.Train.X.ToArray(), DatasetFactory.Create<float>(o, RngKey.FromSeed(6)).Train.X.ToArray());
    }

    [Fact]
    public void AllSixtyThousandTrainingImagesLoadQuickly()
    {
        if (!Installed)
        {
            return;
        }
        var sw = Stopwatch.StartNew();
        var d = DatasetFactory.Create<float>(new DataOptions { Kind = "fashion-mnist" }, Key);
        sw.Stop();
        Assert.Equal([60000, 784], d.Train.X.Shape);
        Assert.Equal([10000, 784], d.Test!.X.Shape);
        // Fashion-MNIST has 6,000 training and 1,000 test images per class.
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, d.Train.Labels!.Count(l => l == c)));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, d.Test.Labels!.Count(l => l == c)));
        output.WriteLine($"60,000 + 10,000 images loaded in {sw.Elapsed.TotalSeconds:F2} s");
        Assert.True(sw.Elapsed.TotalSeconds < 30, $"took {sw.Elapsed.TotalSeconds:F2} s");   // a gross guard only: well under 1 s on an idle machine
    }

    [Fact]
    public void ClassSubsetIsRemappedInTheGivenOrder()
    {
        using var dir = new TempDir();
        WriteFake(dir, 40, 12);
        var d = DatasetFactory.Create<double>(new DataOptions { Kind = "fashion-mnist", Dir = dir.Path, ClassList = [3, 1], TrainSamples = 8 }, Key);
        Assert.Equal([8, 6], d.Train.X.Shape);
        Assert.Equal(4, d.Train.Labels!.Count(l => l == 0));
        var x = M(d.Train.X);
        for (int i = 0; i < 8; i++)
        {
            int original = d.Train.Labels![i] == 0 ? 3 : 1;   // class 3 -> 0, class 1 -> 1
            Assert.Equal(10 * original / 255.0, x[i, 0], 1e-15);
            Assert.Equal(original, (int)Math.Round(x[i, 1] * 255) % 4);
            Assert.Equal(1.0, d.Train.Y[i, d.Train.Labels[i]]);
        }
        Assert.Equal(8, Enumerable.Range(0, 8).Select(i => x[i, 1]).Distinct().Count());   // 8 distinct images, no repeats
        // Default test split: every t10k image of the chosen classes, in file order (labels 1 and 3 of i = 1, 3, 5, ...).
        Assert.Equal([1, 0, 1, 0, 1, 0], d.Test!.Labels!);

        // Global standardisation from training statistics.
        var s = DatasetFactory.Create<double>(new DataOptions { Kind = "fashion-mnist", Dir = dir.Path, Standardize = "global" }, Key);
        var v = s.Train.X.ToArray();
        Assert.Equal(0, v.Average(), 1e-12);
        Assert.Equal(1, Math.Sqrt(v.Select(t => t * t).Average()), 1e-12);

        var e = Assert.Throws<DataException>(() => DatasetFactory.Create<double>(
            new DataOptions { Kind = "fashion-mnist", Dir = dir.Path, ClassList = [0], TrainSamples = 11 }, Key));
        Assert.Contains("data.train_samples", e.Message);
    }

    [Fact]
    public void WrongMagicNumberIsRejectedNamingTheFile()
    {
        using var dir = new TempDir();
        WriteFake(dir, 8, 4, imageMagic: 2049);
        var e = Assert.Throws<DataException>(() => DatasetFactory.Create<double>(new DataOptions { Kind = "fashion-mnist", Dir = dir.Path }, Key));
        Assert.Contains(dir.File("train-images-idx3-ubyte.gz"), e.Message);
        Assert.Contains("magic", e.Message);
        Assert.Contains("2051", e.Message);

        // Truncated data.
        WriteFake(dir, 8, 4);
        WriteIdxGz(dir.File("t10k-images-idx3-ubyte.gz"), 2051, [4, 2, 3], new byte[20]);
        e = Assert.Throws<DataException>(() => DatasetFactory.Create<double>(new DataOptions { Kind = "fashion-mnist", Dir = dir.Path }, Key));
        Assert.Contains("t10k-images-idx3-ubyte.gz", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void MissingDirectoryNamesItAndThePackage()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"gs-nonexistent-{Guid.NewGuid():N}");
        var e = Assert.Throws<DataException>(() => DatasetFactory.Create<double>(new DataOptions { Kind = "fashion-mnist", Dir = dir }, Key));
        Assert.Contains(dir, e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }
}
