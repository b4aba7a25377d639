using System.Runtime.CompilerServices;

namespace Gradscope.Random;

/// <summary>Four 32-bit words: one Philox counter or one Philox output block.</summary>
public readonly record struct UInt32x4(uint X0, uint X1, uint X2, uint X3)
{
    /// <summary>Words 0 and 1 as one 64-bit value (word 0 in the low half).</summary>
    public ulong Low64 => X0 | ((ulong)X1 << 32);

    /// <summary>Words 2 and 3 as one 64-bit value (word 2 in the low half).</summary>
    public ulong High64 => X2 | ((ulong)X3 << 32);
}

/// <summary>
/// The Philox4x32-10 counter-based bijection of Salmon, Moraes, Dror and Shaw,
/// "Parallel random numbers: as easy as 1, 2, 3" (SC 2011), as specified by the Random123
/// library (<c>philox.h</c>): a 128-bit counter and a 64-bit key map to 128 random bits, with no
/// state. Every random quantity in Gradscope is a pure function of (key, counter), which is what
/// makes draws reproducible bit for bit whatever the thread count.
/// </summary>
public static class Philox4x32
{
    /// <summary>Round multiplier applied to counter word 0.</summary>
    public const uint M0 = 0xD2511F53;

    /// <summary>Round multiplier applied to counter word 2.</summary>
    public const uint M1 = 0xCD9E8D57;

    /// <summary>Weyl increment of key word 0 between rounds (golden ratio).</summary>
    public const uint W0 = 0x9E3779B9;

    /// <summary>Weyl increment of key word 1 between rounds (sqrt(3) - 1).</summary>
    public const uint W1 = 0xBB67AE85;

    /// <summary>Number of rounds; 10 is the Random123 default (Crush-resistant with margin).</summary>
    public const int Rounds = 10;

    /// <summary>Philox4x32-10 of <paramref name="counter"/> under the key (<paramref name="key0"/>, <paramref name="key1"/>).</summary>
    public static UInt32x4 Generate(UInt32x4 counter, uint key0, uint key1)
    {
        uint x0 = counter.X0, x1 = counter.X1, x2 = counter.X2, x3 = counter.X3;
        Round(ref x0, ref x1, ref x2, ref x3, key0, key1);
        for (int r = 1; r < Rounds; r++)
        {
            // Random123 bumps the key before every round except the first.
            key0 += W0;
            key1 += W1;
            Round(ref x0, ref x1, ref x2, ref x3, key0, key1);
        }
        return new UInt32x4(x0, x1, x2, x3);
    }

    /// <summary>
    /// Philox4x32-10 with the counter given as two 64-bit halves (low half = words 0, 1) and the
    /// key as one 64-bit value (low half = key word 0).
    /// </summary>
    public static UInt32x4 Generate(ulong counterLow, ulong counterHigh, ulong key) =>
        Generate(
            new UInt32x4((uint)counterLow, (uint)(counterLow >> 32), (uint)counterHigh, (uint)(counterHigh >> 32)),
            (uint)key, (uint)(key >> 32));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref uint x0, ref uint x1, ref uint x2, ref uint x3, uint k0, uint k1)
    {
        ulong p0 = (ulong)M0 * x0;
        ulong p1 = (ulong)M1 * x2;
        uint y0 = (uint)(p1 >> 32) ^ x1 ^ k0;
        uint y1 = (uint)p1;
        uint y2 = (uint)(p0 >> 32) ^ x3 ^ k1;
        uint y3 = (uint)p0;
        x0 = y0;
        x1 = y1;
        x2 = y2;
        x3 = y3;
    }
}
