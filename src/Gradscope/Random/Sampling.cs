using System.Numerics;

namespace Gradscope.Random;

/// <summary>
/// Random draws from an explicit <see cref="RngKey"/>. Element i of every draw is a function of
/// (key, i) only — it comes from Philox4x32-10 block i / 2 (64 bits per element) — so results are
/// bitwise identical whatever the thread count, and long spans are filled on all cores.
/// The same key gives the same underlying bits to every sampler: split keys between draws.
/// Results are reproducible on a given platform; the normal sampler uses the runtime's
/// <see cref="Math.Log(double)"/> and <see cref="Math.SinCos"/>.
/// </summary>
public static class Sampling
{
    /// <summary>
    /// Uniform values in [<paramref name="low"/>, <paramref name="high"/>). The unit variate has the
    /// full precision of T (53 random bits for double, 24 for float): it is the top bits of the
    /// element's 64-bit word, so a float draw is the double draw truncated to 24 bits.
    /// If low + (high - low) u rounds up to high, the largest value below high is returned.
    /// </summary>
    public static void Uniform<T>(RngKey key, Span<T> dst, T low, T high)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Uniform(key, dst, low, high, 0, allowParallel: true);

    /// <summary>
    /// Normal values with the given mean and standard deviation, by Box–Muller on pairs of
    /// 53-bit uniforms (both outputs used; elements 2k and 2k+1 share a pair). Computed in double,
    /// so Normal&lt;float&gt; equals Normal&lt;double&gt; (same key, same parameters) rounded to float.
    /// </summary>
    public static void Normal<T>(RngKey key, Span<T> dst, T mean, T std)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Normal(key, dst, mean, std, 0, allowParallel: true);

    /// <summary>1 with probability <paramref name="p"/>, otherwise 0 (element's 53-bit uniform &lt; p).</summary>
    public static void Bernoulli<T>(RngKey key, Span<T> dst, double p)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Bernoulli(key, dst, p, 0, allowParallel: true);

    /// <summary>
    /// Unbiased uniform integers in [<paramref name="lowInclusive"/>, <paramref name="highExclusive"/>)
    /// by Lemire's multiply-shift method on 64-bit draws; the rare rejection (probability below
    /// 2^-32) redraws from counters derived from the element index, so values stay per-index.
    /// </summary>
    public static void UniformInt(RngKey key, Span<int> dst, int lowInclusive, int highExclusive) =>
        UniformInt(key, dst, lowInclusive, highExclusive, 0, allowParallel: true);

    /// <summary>
    /// A uniformly random permutation of 0..n-1: Fisher–Yates (Durstenfeld), where the swap
    /// partner of position i (i = n-1 down to 1) is a Lemire draw in [0, i] from element i.
    /// </summary>
    public static int[] Permutation(RngKey key, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var perm = new int[n];
        for (int i = 0; i < n; i++)
        {
            perm[i] = i;
        }
        for (int i = n - 1; i >= 1; i--)
        {
            UInt32x4 bits = key.Block((ulong)i >> 1);
            ulong first = (i & 1) == 0 ? bits.Low64 : bits.High64;
            int j = (int)Bits.Bounded(key, (ulong)i, first, (ulong)i + 1);
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        return perm;
    }

    // The overloads below take the index of dst[0] within the draw, so a slice of a long draw can
    // be produced on its own (used by tests to show chunking does not change bits).

    internal static void Uniform<T>(RngKey key, Span<T> dst, T low, T high, long start, bool allowParallel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!T.IsFinite(low) || !T.IsFinite(high) || high < low)
        {
            throw new ArgumentException($"Uniform needs finite low <= high; got [{low}, {high}).", nameof(high));
        }
        CounterFill.Fill(key, dst, start, new UniformSampler<T>(low, high), allowParallel);
    }

    internal static void Normal<T>(RngKey key, Span<T> dst, T mean, T std, long start, bool allowParallel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!T.IsFinite(mean) || !T.IsFinite(std) || T.IsNegative(std))
        {
            throw new ArgumentException($"Normal needs a finite mean and a finite std >= 0; got mean {mean}, std {std}.", nameof(std));
        }
        CounterFill.Fill(key, dst, start, new NormalSampler<T>(double.CreateTruncating(mean), double.CreateTruncating(std)), allowParallel);
    }

    internal static void Bernoulli<T>(RngKey key, Span<T> dst, double p, long start, bool allowParallel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(p >= 0.0 && p <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "Bernoulli probability must lie in [0, 1].");
        }
        CounterFill.Fill(key, dst, start, new BernoulliSampler<T>(p), allowParallel);
    }

    internal static void UniformInt(RngKey key, Span<int> dst, int lowInclusive, int highExclusive, long start, bool allowParallel)
    {
        if (highExclusive <= lowInclusive)
        {
            throw new ArgumentException(
                $"UniformInt needs lowInclusive < highExclusive; got [{lowInclusive}, {highExclusive}).", nameof(highExclusive));
        }
        ulong range = (ulong)((long)highExclusive - lowInclusive);
        CounterFill.Fill(key, dst, start, new UniformIntSampler(key, lowInclusive, range), allowParallel);
    }
}
