using Gradscope.Random;

namespace Gradscope.Tests.Random;

public class Philox4x32Tests
{
    // Known-answer vectors of Random123 (github.com/DEShawResearch/random123, tests/kat_vectors,
    // the three "philox4x32 10" lines): counter (4 words), key (2 words) -> output (4 words).
    public static TheoryData<uint[], uint[], uint[]> KnownAnswers => new()
    {
        { [0x00000000, 0x00000000, 0x00000000, 0x00000000], [0x00000000, 0x00000000], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
        { [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd] },
        { [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1] },
    };

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void MatchesRandom123KnownAnswers(uint[] counter, uint[] key, uint[] expected)
    {
        UInt32x4 output = Philox4x32.Generate(new UInt32x4(counter[0], counter[1], counter[2], counter[3]), key[0], key[1]);
        Assert.Equal(new UInt32x4(expected[0], expected[1], expected[2], expected[3]), output);
    }

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void SixtyFourBitOverloadPacksWordsLowFirst(uint[] counter, uint[] key, uint[] expected)
    {
        ulong low = counter[0] | ((ulong)counter[1] << 32);
        ulong high = counter[2] | ((ulong)counter[3] << 32);
        ulong k = key[0] | ((ulong)key[1] << 32);
        UInt32x4 output = Philox4x32.Generate(low, high, k);
        Assert.Equal(new UInt32x4(expected[0], expected[1], expected[2], expected[3]), output);
    }

    [Fact]
    public void OneBitOfCounterChangesAboutHalfTheOutputBits()
    {
        // Avalanche sanity: flipping each of the 128 counter bits flips ~64 output bits on average.
        var baseCounter = new UInt32x4(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344);
        UInt32x4 reference = Philox4x32.Generate(baseCounter, 0xa4093822, 0x299f31d0);
        double total = 0;
        for (int bit = 0; bit < 128; bit++)
        {
            uint[] c = [baseCounter.X0, baseCounter.X1, baseCounter.X2, baseCounter.X3];
            c[bit / 32] ^= 1u << (bit % 32);
            UInt32x4 o = Philox4x32.Generate(new UInt32x4(c[0], c[1], c[2], c[3]), 0xa4093822, 0x299f31d0);
            total += System.Numerics.BitOperations.PopCount(o.Low64 ^ reference.Low64)
                + System.Numerics.BitOperations.PopCount(o.High64 ^ reference.High64);
        }
        // 128 trials of Binomial(128, 1/2): mean 64, standard error sqrt(32/128) = 0.5.
        Assert.InRange(total / 128, 64 - 5 * 0.5, 64 + 5 * 0.5);
    }

    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(0UL, 37)]
    [InlineData(0xFFFF_FFFDUL, 9)]          // lanes cross into counter word 1
    [InlineData(0x1234_5678_9ABC_DEF0UL, 16)]
    public void BatchGeneratorMatchesScalarPhilox(ulong firstBlock, int blocks)
    {
        var key = new RngKey(0x299f31d0_a4093822UL);
        var words = new ulong[2 * blocks];
        PhiloxBatch.Fill(key, firstBlock, words);
        for (int j = 0; j < blocks; j++)
        {
            ulong block = firstBlock + (ulong)j;
            UInt32x4 expected = Philox4x32.Generate(new UInt32x4((uint)block, (uint)(block >> 32), 0, 0), 0xa4093822, 0x299f31d0);
            Assert.Equal(expected.Low64, words[2 * j]);
            Assert.Equal(expected.High64, words[2 * j + 1]);
        }
    }
}
