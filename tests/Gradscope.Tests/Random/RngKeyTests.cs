using Gradscope.Random;

namespace Gradscope.Tests.Random;

public class RngKeyTests
{
    [Fact]
    public void DerivationIsDeterministic()
    {
        var key = RngKey.FromSeed(42);
        Assert.Equal(key.Split(5), RngKey.FromSeed(42).Split(5));
        Assert.Equal(key.Fold(7), RngKey.FromSeed(42).Fold(7));
        Assert.Equal(key.Split(), RngKey.FromSeed(42).Split());
    }

    [Fact]
    public void PairSplitIsTheFirstTwoOfSplitN()
    {
        var key = RngKey.FromSeed(3);
        RngKey[] keys = key.Split(4);
        (RngKey a, RngKey b) = key.Split();
        Assert.Equal(keys[0], a);
        Assert.Equal(keys[1], b);
    }

    [Fact]
    public void DerivedKeysAreDistinctFromEachOtherAndTheParent()
    {
        var key = RngKey.FromSeed(0);
        var all = new HashSet<RngKey> { key };
        foreach (RngKey k in key.Split(1000))
        {
            Assert.True(all.Add(k));
        }
        for (ulong d = 0; d < 1000; d++)
        {
            Assert.True(all.Add(key.Fold(d)));
        }
        // Splitting and folding with the same number are different operations.
        Assert.NotEqual(key.Split(2)[1], key.Fold(1));
    }

    [Fact]
    public void DistinctSeedsGiveDistinctKeys()
    {
        Assert.NotEqual(RngKey.FromSeed(1), RngKey.FromSeed(2));
        Assert.NotEqual(RngKey.FromSeed(-1), RngKey.FromSeed(1));
    }

    [Fact]
    public void SplitKeysGiveUncorrelatedStreams()
    {
        const int n = 100_000;
        var keys = RngKey.FromSeed(11).Split(3);
        var streams = keys.Select(k =>
        {
            var x = new double[n];
            Sampling.Normal(k, x.AsSpan(), 0.0, 1.0);
            return x;
        }).ToArray();
        // Also the parent's own stream, and a fold of the parent.
        var parent = new double[n];
        Sampling.Normal(RngKey.FromSeed(11), parent.AsSpan(), 0.0, 1.0);
        var folded = new double[n];
        Sampling.Normal(RngKey.FromSeed(11).Fold(0), folded.AsSpan(), 0.0, 1.0);
        double[][] all = [.. streams, parent, folded];
        for (int a = 0; a < all.Length; a++)
        {
            for (int b = a + 1; b < all.Length; b++)
            {
                Assert.NotEqual(all[a], all[b]);
                double r = 0;
                for (int i = 0; i < n; i++)
                {
                    r += all[a][i] * all[b][i];
                }
                r /= n;
                // Correlation of independent standard normals has standard error 1/sqrt(n).
                Assert.InRange(r, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
            }
        }
    }
}
