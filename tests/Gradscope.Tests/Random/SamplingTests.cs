using Gradscope.Random;

namespace Gradscope.Tests.Random;

public class SamplingTests
{
    private static readonly RngKey Key = RngKey.FromSeed(20261123);

    // A generous chi-square bound: the mean df plus eight standard deviations sqrt(2 df).
    private static double ChiSquareBound(int df) => df + 8 * Math.Sqrt(2.0 * df);

    private static double ChiSquare(long[] observed, double expected) =>
        observed.Sum(o => (o - expected) * (o - expected) / expected);

    // ---- determinism -------------------------------------------------------------------------

    [Fact]
    public void SameKeyGivesSameBits()
    {
        var a = new double[1001];
        var b = new double[1001];
        Sampling.Normal(Key, a.AsSpan(), 0.0, 1.0);
        Sampling.Normal(Key, b.AsSpan(), 0.0, 1.0);
        Assert.Equal(a, b);
        Assert.Equal(Sampling.Permutation(Key, 500), Sampling.Permutation(Key, 500));
        var c = new int[1001];
        var d = new int[1001];
        Sampling.UniformInt(Key, c.AsSpan(), -5, 17);
        Sampling.UniformInt(Key, d.AsSpan(), -5, 17);
        Assert.Equal(c, d);
    }

    [Fact]
    public void DifferentKeysGiveDifferentBits()
    {
        var a = new double[64];
        var b = new double[64];
        Sampling.Uniform(Key, a.AsSpan(), 0.0, 1.0);
        Sampling.Uniform(Key.Fold(1), b.AsSpan(), 0.0, 1.0);
        Assert.NotEqual(a, b);
    }

    // Long enough to be filled in parallel, odd so the last block is split.
    private const int ParallelLength = 3 * CounterFill.ParallelThreshold + 1;

    [Fact]
    public void ParallelFillEqualsSequentialFill()
    {
        AssertParallelEqualsSequential<double>((dst, par) => Sampling.Uniform(Key, dst, -2.0, 3.0, 0, par));
        AssertParallelEqualsSequential<float>((dst, par) => Sampling.Uniform(Key, dst, -2f, 3f, 0, par));
        AssertParallelEqualsSequential<double>((dst, par) => Sampling.Normal(Key, dst, 1.0, 2.0, 0, par));
        AssertParallelEqualsSequential<float>((dst, par) => Sampling.Normal(Key, dst, 1f, 2f, 0, par));
        AssertParallelEqualsSequential<double>((dst, par) => Sampling.Bernoulli(Key, dst, 0.3, 0, par));
        AssertParallelEqualsSequential<int>((dst, par) => Sampling.UniformInt(Key, dst, -1000, 1000, 0, par));
    }

    private delegate void Fill<T>(Span<T> dst, bool allowParallel);

    private static void AssertParallelEqualsSequential<T>(Fill<T> fill)
    {
        var parallel = new T[ParallelLength];
        var sequential = new T[ParallelLength];
        fill(parallel, true);
        fill(sequential, false);
        Assert.Equal(sequential, parallel);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 10)]
    [InlineData(7, 1)]
    [InlineData(1234, 777)]
    [InlineData(99_999, 1)]
    public void SliceOfADrawCanBeProducedOnItsOwn(int start, int count)
    {
        var full = new double[100_000];
        Sampling.Normal(Key, full.AsSpan(), 0.0, 1.0);
        var slice = new double[count];
        Sampling.Normal(Key, slice.AsSpan(), 0.0, 1.0, start, allowParallel: false);
        Assert.Equal(full.AsSpan(start, count).ToArray(), slice);

        var fullInt = new int[100_000];
        Sampling.UniformInt(Key, fullInt.AsSpan(), 0, 3);
        var sliceInt = new int[count];
        Sampling.UniformInt(Key, sliceInt.AsSpan(), 0, 3, start, allowParallel: false);
        Assert.Equal(fullInt.AsSpan(start, count).ToArray(), sliceInt);
    }

    [Fact]
    public void ShorterDrawIsPrefixOfLongerDraw()
    {
        var longer = new float[ParallelLength];
        Sampling.Uniform(Key, longer.AsSpan(), 0f, 1f);
        var shorter = new float[333];
        Sampling.Uniform(Key, shorter.AsSpan(), 0f, 1f);
        Assert.Equal(longer.AsSpan(0, 333).ToArray(), shorter);
    }

    // ---- normal ------------------------------------------------------------------------------

    [Fact]
    public void NormalMomentsWithinFiveStandardErrors()
    {
        const int n = 1_000_000;
        var x = new double[n];
        Sampling.Normal(Key, x.AsSpan(), 0.0, 1.0);
        double mean = x.Average();
        double variance = x.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        double skew = x.Sum(v => Math.Pow(v - mean, 3)) / n;
        double kurt = x.Sum(v => Math.Pow(v - mean, 4)) / n;
        Assert.InRange(mean, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));              // se = 1/sqrt(n)
        Assert.InRange(variance, 1 - 5 * Math.Sqrt(2.0 / n), 1 + 5 * Math.Sqrt(2.0 / n)); // se = sqrt(2/n)
        Assert.InRange(skew, -5 * Math.Sqrt(15.0 / n), 5 * Math.Sqrt(15.0 / n));  // var(z^3) = 15
        Assert.InRange(kurt, 3 - 5 * Math.Sqrt(96.0 / n), 3 + 5 * Math.Sqrt(96.0 / n)); // var(z^4) = 96
    }

    [Fact]
    public void NormalHistogramMatchesTheGaussianCdf()
    {
        const int n = 200_000;
        const int bins = 20;
        var x = new double[n];
        Sampling.Normal(Key.Fold(5), x.AsSpan(), 0.0, 1.0);
        // Equiprobable bins of the standard normal.
        var edges = Enumerable.Range(1, bins - 1)
            .Select(k => MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, (double)k / bins)).ToArray();
        var counts = new long[bins];
        foreach (double v in x)
        {
            int idx = Array.BinarySearch(edges, v);
            counts[idx >= 0 ? idx + 1 : ~idx]++;
        }
        Assert.InRange(ChiSquare(counts, (double)n / bins), 0, ChiSquareBound(bins - 1));
        // Both Box–Muller outputs are used: the even and odd elements are each standard normal.
        double evenVar = 0, oddVar = 0;
        for (int i = 0; i < n; i += 2)
        {
            evenVar += x[i] * x[i];
            oddVar += x[i + 1] * x[i + 1];
        }
        Assert.InRange(evenVar / (n / 2), 1 - 5 * Math.Sqrt(4.0 / n), 1 + 5 * Math.Sqrt(4.0 / n));
        Assert.InRange(oddVar / (n / 2), 1 - 5 * Math.Sqrt(4.0 / n), 1 + 5 * Math.Sqrt(4.0 / n));
    }

    [Fact]
    public void NormalMeanAndStdAreAnAffineMapOfTheStandardDraw()
    {
        var z = new double[1000];
        var y = new double[1000];
        Sampling.Normal(Key, z.AsSpan(), 0.0, 1.0);
        Sampling.Normal(Key, y.AsSpan(), 3.0, 0.5);
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(3.0 + 0.5 * z[i], y[i], 1e-14);
        }
    }

    [Fact]
    public void NormalFloatIsNormalDoubleRoundedToFloat()
    {
        const int n = 10_001;
        var d = new double[n];
        var f = new float[n];
        Sampling.Normal(Key, d.AsSpan(), 0.25, 1.5);
        Sampling.Normal(Key, f.AsSpan(), 0.25f, 1.5f);
        for (int i = 0; i < n; i++)
        {
            // Same bits, same double arithmetic, one final rounding.
            Assert.Equal((float)d[i], f[i]);
        }
    }

    [Fact]
    public void NormalWithZeroStdIsTheMean()
    {
        var x = new double[17];
        Sampling.Normal(Key, x.AsSpan(), -2.5, 0.0);
        Assert.All(x, v => Assert.Equal(-2.5, v));
    }

    // ---- uniform -----------------------------------------------------------------------------

    [Fact]
    public void UniformDoubleInRangeWithRightMoments()
    {
        const int n = 1_000_000;
        var x = new double[n];
        Sampling.Uniform(Key, x.AsSpan(), -1.0, 3.0);
        Assert.All(x, v => Assert.True(v >= -1.0 && v < 3.0));
        double mean = x.Average();
        double variance = x.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        // Uniform(-1, 3): mean 1, variance 16/12, var((x-1)^2) = 4^4/180.
        Assert.InRange(mean, 1 - 5 * Math.Sqrt(16.0 / 12 / n), 1 + 5 * Math.Sqrt(16.0 / 12 / n));
        Assert.InRange(variance, 16.0 / 12 - 5 * Math.Sqrt(256.0 / 180 / n), 16.0 / 12 + 5 * Math.Sqrt(256.0 / 180 / n));
        var counts = new long[16];
        foreach (double v in x)
        {
            counts[(int)((v + 1.0) / 4.0 * 16)]++;
        }
        Assert.InRange(ChiSquare(counts, n / 16.0), 0, ChiSquareBound(15));
    }

    [Fact]
    public void UniformUsesFullPrecision()
    {
        var d = new double[100_000];
        var f = new float[100_000];
        Sampling.Uniform(Key, d.AsSpan(), 0.0, 1.0);
        Sampling.Uniform(Key, f.AsSpan(), 0f, 1f);
        // 53-bit doubles: some values use bits below 2^-24 (a 32-bit generator could not).
        Assert.Contains(d, v => v * (1 << 24) != Math.Floor(v * (1 << 24)));
        for (int i = 0; i < d.Length; i++)
        {
            Assert.True(f[i] >= 0f && f[i] < 1f);
            // The float variate is the double variate truncated to 24 bits.
            Assert.Equal(Math.Floor(d[i] * (1 << 24)) / (1 << 24), f[i]);
        }
    }

    [Fact]
    public void UniformNeverReturnsHighEvenWhenRoundingWould()
    {
        // With high = the smallest subnormal, high * u rounds to high for u > 1/2.
        var x = new float[1000];
        Sampling.Uniform(Key, x.AsSpan(), 0f, float.Epsilon);
        Assert.All(x, v => Assert.Equal(0f, v));
        var y = new double[10];
        Sampling.Uniform(Key, y.AsSpan(), 2.0, 2.0);
        Assert.All(y, v => Assert.Equal(2.0, v));
    }

    [Fact]
    public void UniformRejectsBadBounds()
    {
        var x = new double[4];
        Assert.Throws<ArgumentException>(() => Sampling.Uniform(Key, x.AsSpan(), 1.0, 0.0));
        Assert.Throws<ArgumentException>(() => Sampling.Uniform(Key, x.AsSpan(), 0.0, double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => Sampling.Normal(Key, x.AsSpan(), 0.0, -1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sampling.Bernoulli(Key, x.AsSpan(), 1.5));
        Assert.Throws<ArgumentException>(() => Sampling.UniformInt(Key, new int[3].AsSpan(), 2, 2));
    }

    // ---- Bernoulli ---------------------------------------------------------------------------

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.999)]
    public void BernoulliFrequency(double p)
    {
        const int n = 1_000_000;
        var x = new float[n];
        Sampling.Bernoulli(Key, x.AsSpan(), p);
        Assert.All(x, v => Assert.True(v is 0f or 1f));
        double freq = x.Sum(v => (double)v) / n;
        double se = Math.Sqrt(p * (1 - p) / n);
        Assert.InRange(freq, p - 5 * se, p + 5 * se);
    }

    [Fact]
    public void BernoulliExtremes()
    {
        var x = new double[1000];
        Sampling.Bernoulli(Key, x.AsSpan(), 0.0);
        Assert.All(x, v => Assert.Equal(0.0, v));
        Sampling.Bernoulli(Key, x.AsSpan(), 1.0);
        Assert.All(x, v => Assert.Equal(1.0, v));
    }

    // ---- integers ----------------------------------------------------------------------------

    [Fact]
    public void UniformIntInRangeAndUniform()
    {
        const int n = 1_000_000;
        var x = new int[n];
        Sampling.UniformInt(Key, x.AsSpan(), -3, 7);
        var counts = new long[10];
        foreach (int v in x)
        {
            Assert.InRange(v, -3, 6);
            counts[v + 3]++;
        }
        Assert.InRange(ChiSquare(counts, n / 10.0), 0, ChiSquareBound(9));
    }

    [Fact]
    public void UniformIntFullRangeAndSingleton()
    {
        const int n = 100_000;
        var x = new int[n];
        Sampling.UniformInt(Key, x.AsSpan(), int.MinValue, int.MaxValue);
        Assert.DoesNotContain(int.MaxValue, x);
        double mean = x.Average(v => (double)v);
        double sd = (double)uint.MaxValue / Math.Sqrt(12);
        Assert.InRange(mean, -0.5 - 5 * sd / Math.Sqrt(n), -0.5 + 5 * sd / Math.Sqrt(n));
        Sampling.UniformInt(Key, x.AsSpan(), 41, 42);
        Assert.All(x, v => Assert.Equal(41, v));
    }

    [Fact]
    public void LemireRejectsExactlyTheBiasedLowWords()
    {
        // range = 2^63 + 1: the threshold 2^64 mod range is 2^63 - 1, so a product x * range whose
        // low word lies in [0, 2^63 - 1) is rejected.
        const ulong range = (1UL << 63) + 1;
        Assert.True(Bits.TryBounded(1, range, out ulong r1));   // 1 * range: low word = range, accepted
        Assert.Equal(0UL, r1);
        Assert.False(Bits.TryBounded(2, range, out _));         // 2^64 + 2: low word 2 < threshold
        Assert.True(Bits.TryBounded(3, range, out ulong r3));   // 2^64 + 2^63 + 3: accepted, high word 1
        Assert.Equal(1UL, r3);
        // range = 3: 2^64 mod 3 = 1, only x = 0 is rejected.
        Assert.False(Bits.TryBounded(0, 3, out _));
        Assert.True(Bits.TryBounded(ulong.MaxValue, 3, out ulong top));
        Assert.Equal(2UL, top);
    }

    [Fact]
    public void RejectedDrawIsRedrawnDeterministicallyPerIndex()
    {
        const ulong range = (1UL << 63) + 1;
        ulong a = Bits.Bounded(Key, 12345, first: 2, range);
        ulong b = Bits.Bounded(Key, 12345, first: 2, range);
        ulong c = Bits.Bounded(Key, 12346, first: 2, range);
        Assert.Equal(a, b);
        Assert.True(a < range && c < range);
        Assert.NotEqual(a, c);
    }

    // ---- permutations ------------------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1000)]
    [InlineData(100_003)]
    public void PermutationIsAPermutation(int n)
    {
        int[] perm = Sampling.Permutation(Key, n);
        Assert.Equal(n, perm.Length);
        var sorted = (int[])perm.Clone();
        Array.Sort(sorted);
        Assert.Equal(Enumerable.Range(0, n), sorted);
    }

    [Fact]
    public void PermutationPositionsAreUniform()
    {
        const int n = 5;
        const int draws = 20_000;
        var counts = new long[n * n];
        var key = RngKey.FromSeed(77);
        for (int d = 0; d < draws; d++)
        {
            int[] perm = Sampling.Permutation(key.Fold((ulong)d), n);
            for (int pos = 0; pos < n; pos++)
            {
                counts[pos * n + perm[pos]]++;
            }
        }
        // Each (position, value) pair has probability 1/n; rows and columns sum to draws, so df = (n-1)^2.
        Assert.InRange(ChiSquare(counts, (double)draws / n), 0, ChiSquareBound((n - 1) * (n - 1)));
        // All 120 orderings of 5 elements appear about equally often.
        var orders = new Dictionary<string, long>();
        for (int d = 0; d < draws; d++)
        {
            string s = string.Join(",", Sampling.Permutation(key.Fold((ulong)d), n));
            orders[s] = orders.GetValueOrDefault(s) + 1;
        }
        Assert.Equal(120, orders.Count);
        Assert.InRange(ChiSquare([.. orders.Values], draws / 120.0), 0, ChiSquareBound(119));
    }
}
