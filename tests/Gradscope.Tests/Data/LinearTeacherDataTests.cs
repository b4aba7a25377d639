using Gradscope.Data;
using Gradscope.Linalg;
using Gradscope.Random;
using static Gradscope.Tests.Data.DataTestUtil;

namespace Gradscope.Tests.Data;

public class LinearTeacherDataTests
{
    private static DataOptions Saxe(bool whiten = true, double[]? s = null) => new()
    {
        Kind = "linear-teacher", Inputs = 8, Outputs = 6, Samples = 200, SingularValues = s ?? [1.0, 5.0, 3.0], Whiten = whiten,
    };

    [Fact]
    public void WhitenedInputsHaveIdentityCorrelationToRoundoff()
    {
        var d = DatasetFactory.Create<double>(Saxe(), RngKey.FromSeed(7));
        var x = M(d.Train.X);
        var c = AtB(x, x);
        int n = x.GetLength(0);
        for (int i = 0; i < c.GetLength(0); i++)
        {
            for (int j = 0; j < c.GetLength(1); j++)
            {
                c[i, j] /= n;
            }
        }
        Assert.True(MaxAbsDiffFromIdentity(c) < 1e-12, $"(1/n) XᵀX - I = {MaxAbsDiffFromIdentity(c):G3}");
        // Without whitening the sample correlation is only I + O(1/√n).
        var raw = M(DatasetFactory.Create<double>(Saxe(whiten: false), RngKey.FromSeed(7)).Train.X);
        var cr = AtB(raw, raw);
        Assert.True(MaxAbsDiffFromIdentity(cr, n) / n > 1e-3);
    }

    [Fact]
    public void TeacherHasOrthonormalFactorsGivenSpectrumAndExactTargets()
    {
        var d = DatasetFactory.Create<double>(Saxe(), RngKey.FromSeed(11));
        var t = d.Teacher!;
        Assert.Equal([5.0, 3.0, 1.0], t.SingularValues);           // recorded descending
        Assert.Equal([6, 3], t.U.Shape);
        Assert.Equal([8, 3], t.V.Shape);
        var u = M(t.U);
        var v = M(t.V);
        Assert.True(MaxAbsDiffFromIdentity(AtB(u, u)) < 1e-13);
        Assert.True(MaxAbsDiffFromIdentity(AtB(v, v)) < 1e-13);

        // A = U diag(s) Vᵀ with the sorted triplets still reproduces the matrix.
        var us = (double[,])u.Clone();
        for (int i = 0; i < 6; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                us[i, j] *= t.SingularValues[j];
            }
        }
        var a = M(t.Matrix);
        Assert.True(MaxAbsDiff(ABt(us, v), a) < 1e-13);

        // The singular values of A are s (descending), then zeros.
        double[] sv = Svd.SingularValues(Flat(a), 6, 8);
        Assert.Equal(5.0, sv[0], 1e-12);
        Assert.Equal(3.0, sv[1], 1e-12);
        Assert.Equal(1.0, sv[2], 1e-12);
        Assert.All(sv.Skip(3), z => Assert.True(z < 1e-12));

        // Noise-free targets: Y = X Aᵀ (to roundoff), hence Σyx = (1/n) YᵀX = A for white inputs.
        var x = M(d.Train.X);
        var y = M(d.Train.Y);
        Assert.True(MaxAbsDiff(ABt(x, a), y) < 1e-12);
        var syx = AtB(y, x);
        for (int i = 0; i < 6; i++)
        {
            for (int j = 0; j < 8; j++)
            {
                syx[i, j] /= 200;
            }
        }
        Assert.True(MaxAbsDiff(syx, a) < 1e-12);
    }

    [Fact]
    public void SameKeyIsBitwiseIdenticalAndOtherKeysDiffer()
    {
        var o = Saxe() with { TestSamples = 10, Noise = 0.1 };
        var a = DatasetFactory.Create<double>(o, RngKey.FromSeed(3));
        var b = DatasetFactory.Create<double>(o, RngKey.FromSeed(3));
        var c = DatasetFactory.Create<double>(o, RngKey.FromSeed(4));
        Assert.Equal(a.Train.X.ToArray(), b.Train.X.ToArray());
        Assert.Equal(a.Train.Y.ToArray(), b.Train.Y.ToArray());
        Assert.Equal(a.Test!.Y.ToArray(), b.Test!.Y.ToArray());
        Assert.Equal(a.Teacher!.Matrix.ToArray(), b.Teacher!.Matrix.ToArray());
        Assert.NotEqual(a.Train.X.ToArray(), c.Train.X.ToArray());
        Assert.NotEqual(a.Teacher.Matrix.ToArray(), c.Teacher!.Matrix.ToArray());
        // float32 data are the float64 data rounded.
        var f = DatasetFactory.Create<float>(o, RngKey.FromSeed(3));
        Assert.Equal(a.Train.X.ToArray().Select(v => (float)v), f.Train.X.ToArray());
        Assert.Equal(a.Test.Y.ToArray().Select(v => (float)v), f.Test!.Y.ToArray());
    }

    [Fact]
    public void NoiseHasTheRequestedStdAndTestSamplesAreFreshUnwhitenedDraws()
    {
        var o = Saxe() with { Samples = 2000, Noise = 0.5, TestSamples = 300 };
        var d = DatasetFactory.Create<double>(o, RngKey.FromSeed(5));
        var a = M(d.Teacher!.Matrix);
        var r = M(d.Train.Y);
        var clean = ABt(M(d.Train.X), a);
        double sq = 0;
        foreach (var (e, c) in Flat(r).Zip(Flat(clean)))
        {
            sq += (e - c) * (e - c);
        }
        double std = Math.Sqrt(sq / r.Length);
        Assert.InRange(std, 0.5 * 0.97, 0.5 * 1.03);   // 12,000 draws: relative error of the std ≈ 0.6%

        var xt = M(d.Test!.X);
        Assert.Equal([300, 8], d.Test.X.Shape);
        var ct = AtB(xt, xt);
        Assert.True(MaxAbsDiffFromIdentity(ct, 300) / 300 > 1e-3);   // not whitened
        double sqt = Flat(M(d.Test.Y)).Zip(Flat(ABt(xt, a))).Sum(p => (p.First - p.Second) * (p.First - p.Second));
        Assert.InRange(Math.Sqrt(sqt / (300 * 6)), 0.5 * 0.9, 0.5 * 1.1);
    }

    [Fact]
    public void TestFractionKeepsTheTrainingPartExactlyWhite()
    {
        var o = Saxe() with { TestFraction = 0.25 };
        var d = DatasetFactory.Create<double>(o, RngKey.FromSeed(9));
        Assert.Equal(150, d.Train.Count);
        Assert.Equal(50, d.Test!.Count);
        var x = M(d.Train.X);
        var c = AtB(x, x);
        Assert.True(MaxAbsDiffFromIdentity(c, 150) / 150 < 1e-12);
        Assert.True(MaxAbsDiff(ABt(M(d.Test.X), M(d.Teacher!.Matrix)), M(d.Test.Y)) < 1e-12);
    }

    [Fact]
    public void BadOptionsNameTheOption()
    {
        var k = RngKey.FromSeed(1);
        Assert.Contains("data.whiten", Assert.Throws<DataException>(() => DatasetFactory.Create<double>(Saxe() with { Samples = 5 }, k)).Message);
        Assert.Contains("data.singular_values", Assert.Throws<DataException>(() => DatasetFactory.Create<double>(Saxe(s: [1, 2, 3, 4, 5, 6, 7]), k)).Message);
        Assert.Contains("data.singular_values", Assert.Throws<DataException>(() => DatasetFactory.Create<double>(Saxe(s: [1, -2]), k)).Message);
        Assert.Contains("data.singular_values", Assert.Throws<DataException>(() => DatasetFactory.Create<double>(Saxe() with { SingularValues = null }, k)).Message);
        Assert.Contains("data.inputs", Assert.Throws<DataException>(() => DatasetFactory.Create<double>(Saxe() with { Inputs = 0 }, k)).Message);
        Assert.Contains("data.path", Assert.Throws<DataException>(() => DatasetFactory.Create<double>(Saxe() with { Path = "x.csv" }, k)).Message);
        Assert.Contains("data.test_fraction", Assert.Throws<DataException>(() => DatasetFactory.Create<double>(Saxe() with { TestFraction = 1.5 }, k)).Message);
        Assert.Contains("data.test_fraction", Assert.Throws<DataException>(() => DatasetFactory.Create<double>(Saxe() with { TestFraction = 0.5, TestSamples = 3 }, k)).Message);
        Assert.Contains("data.kind", Assert.Throws<DataException>(() => DatasetFactory.Create<double>(new DataOptions { Kind = "mnist" }, k)).Message);
    }
}
