using Gradscope.Data;
using Gradscope.Random;
using static Gradscope.Tests.Data.DataTestUtil;

namespace Gradscope.Tests.Data;

public class GeneratedDataTests
{
    [Fact]
    public void TeacherStudentTargetsAreTheHeInitialisedReluTeacher()
    {
        var key = RngKey.FromSeed(21);
        var o = new DataOptions { Kind = "teacher-student", Inputs = 20, Hidden = 50, Outputs = 2, Samples = 64, TestSamples = 16 };
        var d = DatasetFactory.Create<double>(o, key);
        var (w1, w2) = TeacherStudentData.Teacher(key, 20, 50, 2);
        // Reference forward pass by loops: y = W2 relu(W1 x).
        foreach (var split in new[] { d.Train, d.Test! })
        {
            var h = ABt(M(split.X), M(w1));
            for (int i = 0; i < h.GetLength(0); i++)
            {
                for (int j = 0; j < h.GetLength(1); j++)
                {
                    h[i, j] = Math.Max(0, h[i, j]);
                }
            }
            Assert.True(MaxAbsDiff(ABt(h, M(w2)), M(split.Y)) < 1e-12);
        }
        // He-normal: Var(W1) = 2/fan_in (1000 draws: within ±15%).
        double var1 = w1.ToArray().Select(v => v * v).Average();
        Assert.InRange(var1, 0.85 * 2 / 20.0, 1.15 * 2 / 20.0);
        Assert.NotEqual(d.Train.X[0, 0], d.Test!.X[0, 0]);   // test inputs are fresh draws

        var tanh = DatasetFactory.Create<double>(o with { TeacherActivation = "tanh" }, key);
        Assert.Equal(d.Train.X.ToArray(), tanh.Train.X.ToArray());
        Assert.NotEqual(d.Train.Y.ToArray(), tanh.Train.Y.ToArray());
        Assert.Contains("data.teacher_activation",
            Assert.Throws<DataException>(() => DatasetFactory.Create<double>(o with { TeacherActivation = "swish2" }, key)).Message);
    }

    [Fact]
    public void OrthogonalInputsHaveSquaredNormInputsAndRandomSignLabels()
    {
        var d = DatasetFactory.Create<double>(new DataOptions { Kind = "orthogonal", Inputs = 100, Samples = 80, TestSamples = 20 }, RngKey.FromSeed(2));
        var x = M(d.Train.X);
        Assert.True(MaxAbsDiffFromIdentity(ABt(x, x), 100) < 1e-11);   // X Xᵀ = d I
        var xt = M(d.Test!.X);
        Assert.True(MaxAbsDiff(ABt(x, xt), new double[80, 20]) < 1e-11);   // test vectors orthogonal to the training ones
        Assert.Equal([80, 1], d.Train.Y.Shape);
        Assert.Equal(TaskKind.Classification, d.Task);
        Assert.Equal(2, d.Classes);
        for (int i = 0; i < 80; i++)
        {
            Assert.Equal(2.0 * d.Train.Labels![i] - 1, d.Train.Y[i, 0]);
        }
        int plus = d.Train.Labels!.Count(l => l == 1);
        Assert.InRange(plus, 20, 60);   // Binomial(80, 1/2): mean 40, sd 4.5
        var e = Assert.Throws<DataException>(() => DatasetFactory.Create<double>(new DataOptions { Kind = "orthogonal", Inputs = 10, Samples = 11 }, RngKey.FromSeed(2)));
        Assert.Contains("data.samples", e.Message);
    }

    [Fact]
    public void GaussianMixtureIsBalancedWithMeansSeparationApart()
    {
        var key = RngKey.FromSeed(13);
        const int d = 6, c = 3, n = 3001;
        var o = new DataOptions { Kind = "gaussian-mixture", Inputs = d, Classes = c, Samples = n, Separation = 5, Std = 0.5, TestSamples = 30 };
        var ds = DatasetFactory.Create<double>(o, key);
        Assert.Equal(TaskKind.Classification, ds.Task);
        Assert.Equal(c, ds.Classes);
        int[] counts = Enumerable.Range(0, c).Select(k => ds.Train.Labels!.Count(l => l == k)).ToArray();
        Assert.True(counts.Max() - counts.Min() <= 1, string.Join(",", counts));
        Assert.Equal(10, ds.Test!.Labels!.Count(l => l == 0));
        var y = M(ds.Train.Y);
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < c; k++)
            {
                Assert.Equal(ds.Train.Labels![i] == k ? 1.0 : 0.0, y[i, k]);
            }
        }
        // The generator's means are exactly `separation` apart ...
        double[] mu = GaussianMixtureData.Means(key.Fold(1), d, c, 5);
        for (int a = 0; a < c; a++)
        {
            for (int b = a + 1; b < c; b++)
            {
                double dist = Math.Sqrt(Enumerable.Range(0, d).Sum(j => Math.Pow(mu[a * d + j] - mu[b * d + j], 2)));
                Assert.Equal(5.0, dist, 1e-12);
            }
        }
        // ... and the class sample means estimate them (≈1000 samples, std 0.5: error sd ≈ 0.016 per coordinate).
        var x = M(ds.Train.X);
        for (int k = 0; k < c; k++)
        {
            int[] rows = Enumerable.Range(0, n).Where(i => ds.Train.Labels![i] == k).ToArray();
            for (int j = 0; j < d; j++)
            {
                double mean = rows.Average(i => x[i, j]);
                Assert.InRange(mean - mu[k * d + j], -0.08, 0.08);
                double sd = Math.Sqrt(rows.Average(i => Math.Pow(x[i, j] - mean, 2)));
                Assert.InRange(sd, 0.45, 0.55);
            }
        }
    }

    [Fact]
    public void TestFractionHoldsOutSeededRowsOfTheSameData()
    {
        var key = RngKey.FromSeed(4);
        var o = new DataOptions { Kind = "teacher-student", Inputs = 3, Hidden = 4, Samples = 40 };
        var full = DatasetFactory.Create<double>(o, key);
        var split = DatasetFactory.Create<double>(o with { TestFraction = 0.3 }, key);
        Assert.Equal(28, split.Train.Count);
        Assert.Equal(12, split.Test!.Count);
        // Train and test rows are a partition of the full data's rows, both in original order.
        var rows = Enumerable.Range(0, 40).Select(i => (full.Train.X[i, 0], full.Train.Y[i, 0])).ToList();
        var trainRows = Enumerable.Range(0, 28).Select(i => rows.IndexOf((split.Train.X[i, 0], split.Train.Y[i, 0]))).ToArray();
        var testRows = Enumerable.Range(0, 12).Select(i => rows.IndexOf((split.Test.X[i, 0], split.Test.Y[i, 0]))).ToArray();
        Assert.Equal(Enumerable.Range(0, 40), trainRows.Concat(testRows).Order());
        Assert.Equal(trainRows.Order(), trainRows);
        // The split seed moves the split but not the data.
        var other = DatasetFactory.Create<double>(o with { TestFraction = 0.3, SplitSeed = 99 }, key);
        var otherTest = Enumerable.Range(0, 12).Select(i => rows.IndexOf((other.Test!.X[i, 0], other.Test.Y[i, 0]))).ToArray();
        Assert.DoesNotContain(-1, otherTest);
        Assert.NotEqual(testRows, otherTest);
        Assert.Equal(other.Test!.X.ToArray(), DatasetFactory.Create<double>(o with { TestFraction = 0.3, SplitSeed = 99 }, key).Test!.X.ToArray());
        Assert.Contains("data.test_fraction",
            Assert.Throws<DataException>(() => DatasetFactory.Create<double>(o with { TestFraction = 0.001 }, key)).Message);
    }
}
