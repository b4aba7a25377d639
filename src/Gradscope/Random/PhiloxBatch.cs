using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gradscope.Random;

/// <summary>
/// Philox4x32-10 over a run of consecutive counters (block b has counter (b, 0) under the key),
/// written as one 64-bit word per draw element: words[2j] = Low64 and words[2j + 1] = High64 of
/// block first + j. Four blocks at a time with AVX2 (integer arithmetic, so bit-identical to the
/// scalar <see cref="Philox4x32.Generate(UInt32x4, uint, uint)"/>), scalar elsewhere.
/// </summary>
internal static class PhiloxBatch
{
    internal static void Fill(RngKey key, ulong firstBlock, Span<ulong> words)
    {
        int blocks = words.Length / 2;
        int j = 0;
        if (Avx2.IsSupported && blocks >= 4)
        {
            j = FillAvx2(key, firstBlock, words, blocks);
        }
        for (; j < blocks; j++)
        {
            UInt32x4 bits = key.Block(firstBlock + (ulong)j);
            words[2 * j] = bits.Low64;
            words[2 * j + 1] = bits.High64;
        }
    }

    /// <summary>Fills whole groups of four blocks; returns the number of blocks done.</summary>
    private static int FillAvx2(RngKey key, ulong firstBlock, Span<ulong> words, int blocks)
    {
        // The key schedule is the same for every lane: precompute the ten round keys.
        Span<ulong> roundKey0 = stackalloc ulong[Philox4x32.Rounds];
        Span<ulong> roundKey1 = stackalloc ulong[Philox4x32.Rounds];
        uint k0 = (uint)key.Value, k1 = (uint)(key.Value >> 32);
        for (int r = 0; r < Philox4x32.Rounds; r++)
        {
            roundKey0[r] = k0;
            roundKey1[r] = k1;
            k0 += Philox4x32.W0;
            k1 += Philox4x32.W1;
        }

        // Each 64-bit lane holds one 32-bit word; vpmuludq gives the full 64-bit product.
        Vector256<uint> m0 = Vector256.Create((ulong)Philox4x32.M0).AsUInt32();
        Vector256<uint> m1 = Vector256.Create((ulong)Philox4x32.M1).AsUInt32();
        Vector256<ulong> low32 = Vector256.Create(0xFFFF_FFFFUL);
        Vector256<ulong> laneOffsets = Vector256.Create(0UL, 1UL, 2UL, 3UL);
        int j = 0;
        for (; j + 4 <= blocks; j += 4)
        {
            Vector256<ulong> counter = Vector256.Create(firstBlock + (ulong)j) + laneOffsets;
            Vector256<ulong> x0 = counter & low32;
            Vector256<ulong> x1 = counter >>> 32;
            Vector256<ulong> x2 = Vector256<ulong>.Zero;
            Vector256<ulong> x3 = Vector256<ulong>.Zero;
            for (int r = 0; r < Philox4x32.Rounds; r++)
            {
                Vector256<ulong> p0 = Avx2.Multiply(x0.AsUInt32(), m0);
                Vector256<ulong> p1 = Avx2.Multiply(x2.AsUInt32(), m1);
                x0 = (p1 >>> 32) ^ x1 ^ Vector256.Create(roundKey0[r]);
                x1 = p1 & low32;
                x2 = (p0 >>> 32) ^ x3 ^ Vector256.Create(roundKey1[r]);
                x3 = p0 & low32;
            }
            Vector256<ulong> lo = x0 | (x1 << 32);
            Vector256<ulong> hi = x2 | (x3 << 32);
            // Interleave to lo0 hi0 lo1 hi1 | lo2 hi2 lo3 hi3.
            Vector256<ulong> a = Avx2.UnpackLow(lo, hi);    // lo0 hi0 lo2 hi2
            Vector256<ulong> b = Avx2.UnpackHigh(lo, hi);   // lo1 hi1 lo3 hi3
            Avx2.Permute2x128(a, b, 0x20).CopyTo(words.Slice(2 * j, 4));
            Avx2.Permute2x128(a, b, 0x31).CopyTo(words.Slice(2 * j + 4, 4));
        }
        return j;
    }
}
