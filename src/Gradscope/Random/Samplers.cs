using System.Numerics;

namespace Gradscope.Random;

/// <summary>Bit-to-number maps shared by the samplers.</summary>
internal static class Bits
{
    private const double TwoPow53Inverse = 1.0 / (1UL << 53);

    /// <summary>Top 53 bits as a double in [0, 1).</summary>
    internal static double UnitClosedOpen(ulong x) => (x >> 11) * TwoPow53Inverse;

    /// <summary>Top 53 bits as a double in (0, 1] (safe for log).</summary>
    internal static double UnitOpenClosed(ulong x) => ((x >> 11) + 1) * TwoPow53Inverse;

    /// <summary>
    /// Lemire's nearly-divisionless bounded draw ("Fast random integer generation in an
    /// interval", ACM TOMACS 2019) with a 64-bit draw: returns false (reject) with probability
    /// below range / 2^64, otherwise an exactly uniform value in [0, range).
    /// </summary>
    internal static bool TryBounded(ulong x, ulong range, out ulong result)
    {
        ulong high = Math.BigMul(x, range, out ulong low);
        if (low < range)
        {
            ulong threshold = unchecked(0 - range) % range;  // 2^64 mod range
            if (low < threshold)
            {
                result = 0;
                return false;
            }
        }
        result = high;
        return true;
    }

    /// <summary>
    /// A uniform integer in [0, range) for draw element <paramref name="index"/> whose first 64
    /// bits are <paramref name="first"/>. A rejected draw is redrawn from counters
    /// (index, attempt, RETR) so the value stays a function of (key, index) alone.
    /// </summary>
    internal static ulong Bounded(RngKey key, ulong index, ulong first, ulong range)
    {
        ulong x = first;
        for (uint attempt = 1; ; attempt++)
        {
            if (TryBounded(x, range, out ulong result))
            {
                return result;
            }
            x = Philox4x32.Generate(
                new UInt32x4((uint)index, (uint)(index >> 32), attempt, RngKey.RetryTag),
                (uint)key.Value, (uint)(key.Value >> 32)).Low64;
        }
    }
}

/// <summary>Uniform in [low, high): the top p bits of each 64-bit word, p = significand bits of T (53 for double, 24 for float).</summary>
internal readonly struct UniformSampler<T> : IPairSampler<T>
    where T : IFloatingPointIeee754<T>
{
    private readonly T _low;
    private readonly T _high;
    private readonly T _width;
    private readonly int _shift;
    private readonly T _scale;

    internal UniformSampler(T low, T high)
    {
        _low = low;
        _high = high;
        _width = high - low;
        int p = Math.Min(T.One.GetSignificandBitLength(), 64);
        _shift = 64 - p;
        _scale = T.ScaleB(T.One, -p);
    }

    public void Pair(ulong low, ulong high, ulong block, out T first, out T second)
    {
        first = Map(low);
        second = Map(high);
    }

    private T Map(ulong x)
    {
        // x >> shift has at most p bits, so the conversion and the scaling are exact: u is in [0, 1).
        T u = T.CreateTruncating(x >> _shift) * _scale;
        T v = _low + _width * u;
        // low + width * u can round up to high; keep the interval half-open.
        return v >= _high && _high > _low ? T.BitDecrement(_high) : v;
    }
}

/// <summary>
/// Box–Muller (1958) on the pair of 53-bit uniforms of one block: both outputs are used, there is
/// no rejection, so element i is a fixed function of (key, i). Computed in double for every T, so
/// a float draw is the double draw rounded to float.
/// </summary>
internal readonly struct NormalSampler<T>(double mean, double std) : IPairSampler<T>
    where T : IFloatingPointIeee754<T>
{
    public void Pair(ulong low, ulong high, ulong block, out T first, out T second)
    {
        double radius = Math.Sqrt(-2.0 * Math.Log(Bits.UnitOpenClosed(low)));
        (double sin, double cos) = Math.SinCos(2.0 * Math.PI * Bits.UnitClosedOpen(high));
        first = T.CreateTruncating(mean + std * (radius * cos));
        second = T.CreateTruncating(mean + std * (radius * sin));
    }
}

/// <summary>1 with probability p, else 0: the element's 53-bit uniform is compared with p.</summary>
internal readonly struct BernoulliSampler<T>(double p) : IPairSampler<T>
    where T : IFloatingPointIeee754<T>
{
    public void Pair(ulong low, ulong high, ulong block, out T first, out T second)
    {
        first = Bits.UnitClosedOpen(low) < p ? T.One : T.Zero;
        second = Bits.UnitClosedOpen(high) < p ? T.One : T.Zero;
    }
}

/// <summary>Unbiased integers in [low, low + range) (Lemire, deterministic redraws).</summary>
internal readonly struct UniformIntSampler(RngKey key, int low, ulong range) : IPairSampler<int>
{
    public void Pair(ulong lowBits, ulong highBits, ulong block, out int first, out int second)
    {
        first = (int)(low + (long)Bits.Bounded(key, 2 * block, lowBits, range));
        second = (int)(low + (long)Bits.Bounded(key, 2 * block + 1, highBits, range));
    }
}
