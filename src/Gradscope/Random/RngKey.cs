namespace Gradscope.Random;

/// <summary>
/// An explicit random key, as in JAX (<c>jax.random.key</c>, <c>split</c>, <c>fold_in</c>): there is
/// no hidden generator state. A key plus an element index determines a random value completely;
/// to get fresh randomness, derive a new key with <see cref="Split(int)"/> or <see cref="Fold"/>.
/// Using one key for two different draws gives correlated (indeed identical) underlying bits —
/// split it first.
/// </summary>
/// <remarks>
/// The key is the 64-bit Philox4x32 key. Derived keys are Philox outputs of the parent key on
/// counters whose word 3 carries a domain tag (<c>SPLT</c>, <c>FOLD</c>); sampling uses counters
/// whose words 2 and 3 are zero, so derived keys never reuse bits of the parent's sample stream.
/// </remarks>
/// <param name="Value">The raw 64-bit Philox key (low half = key word 0).</param>
public readonly record struct RngKey(ulong Value)
{
    internal const uint SplitTag = 0x53504C54;  // "SPLT"
    internal const uint FoldTag = 0x464F4C44;   // "FOLD"
    internal const uint RetryTag = 0x52455452;  // "RETR": redraws of rejection samplers

    /// <summary>
    /// The key for an integer seed. Like <c>jax.random.key(seed)</c> the seed is the key itself:
    /// Philox's key schedule makes nearby keys give unrelated streams, and distinct seeds are
    /// guaranteed distinct keys.
    /// </summary>
    public static RngKey FromSeed(long seed) => new(unchecked((ulong)seed));

    /// <summary>Derives <paramref name="count"/> new keys, independent of each other and of this key's stream.</summary>
    public RngKey[] Split(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var keys = new RngKey[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = Derive((uint)i, 0, SplitTag);
        }
        return keys;
    }

    /// <summary>Two new keys; equal to the first two of <see cref="Split(int)"/>.</summary>
    public (RngKey First, RngKey Second) Split() => (Derive(0, 0, SplitTag), Derive(1, 0, SplitTag));

    /// <summary>
    /// A new key determined by this key and <paramref name="data"/> (e.g. a step number or a
    /// replica index), like <c>jax.random.fold_in</c>.
    /// </summary>
    public RngKey Fold(ulong data) => Derive((uint)data, (uint)(data >> 32), FoldTag);

    private RngKey Derive(uint word0, uint word1, uint tag) =>
        new(Philox4x32.Generate(new UInt32x4(word0, word1, 0, tag), (uint)Value, (uint)(Value >> 32)).Low64);

    /// <summary>The Philox output for counter (<paramref name="block"/>, 0) under this key.</summary>
    internal UInt32x4 Block(ulong block) =>
        Philox4x32.Generate(new UInt32x4((uint)block, (uint)(block >> 32), 0, 0), (uint)Value, (uint)(Value >> 32));

    /// <inheritdoc/>
    public override string ToString() => $"RngKey(0x{Value:x16})";
}
