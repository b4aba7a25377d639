namespace Gradscope.Random;

/// <summary>
/// Maps a counter block (128 random bits) to the two draw elements it owns: element 2b and 2b+1
/// come from block b. Every sampler uses 64 bits per element, so the index -> bits map is the
/// same for all of them (and for float and double).
/// </summary>
internal interface IPairSampler<T>
{
    /// <summary>Values of elements 2 * <paramref name="block"/> and 2 * <paramref name="block"/> + 1.</summary>
    void Pair(UInt32x4 bits, ulong block, out T first, out T second);
}

/// <summary>
/// The shared loop that fills a span from counter blocks, sequentially or on all cores. Element
/// i of a draw depends only on (key, i), so any split of the span into chunks gives the same bits.
/// </summary>
internal static class CounterFill
{
    /// <summary>Spans at least this long are filled in parallel.</summary>
    internal const int ParallelThreshold = 1 << 15;

    /// <summary>Fills <paramref name="dst"/> with elements [start, start + dst.Length) of the draw.</summary>
    internal static unsafe void Fill<T, TSampler>(RngKey key, Span<T> dst, long start, TSampler sampler, bool allowParallel)
        where T : unmanaged
        where TSampler : struct, IPairSampler<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        int workers = Environment.ProcessorCount;
        if (!allowParallel || dst.Length < ParallelThreshold || workers < 2)
        {
            Sequential(key, dst, start, sampler);
            return;
        }

        int length = dst.Length;
        // A few chunks per core for load balance; chunk length even so chunks start on block boundaries.
        int chunk = Math.Max(4096, (length / (4 * workers) + 1) & ~1);
        int chunks = (length + chunk - 1) / chunk;
        fixed (T* p = dst)
        {
            nint basePtr = (nint)p;
            Parallel.For(0, chunks, c =>
            {
                int offset = c * chunk;
                int count = Math.Min(chunk, length - offset);
                Sequential(key, new Span<T>((T*)basePtr + offset, count), start + offset, sampler);
            });
        }
    }

    private static void Sequential<T, TSampler>(RngKey key, Span<T> dst, long start, TSampler sampler)
        where TSampler : struct, IPairSampler<T>
    {
        int j = 0;
        ulong block = (ulong)start >> 1;
        if ((start & 1) != 0 && dst.Length > 0)
        {
            sampler.Pair(key.Block(block), block, out _, out dst[0]);
            j = 1;
            block++;
        }
        for (; j + 1 < dst.Length; j += 2, block++)
        {
            sampler.Pair(key.Block(block), block, out dst[j], out dst[j + 1]);
        }
        if (j < dst.Length)
        {
            sampler.Pair(key.Block(block), block, out dst[j], out _);
        }
    }
}
