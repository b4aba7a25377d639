namespace Gradscope.Random;

/// <summary>
/// Maps the 128 bits of counter block b to the two draw elements it owns, 2b (from the low 64
/// bits) and 2b + 1 (from the high 64 bits). Every sampler uses 64 bits per element, so the
/// index -> bits map is the same for all of them (and for float and double).
/// </summary>
internal interface IPairSampler<T>
{
    /// <summary>Values of elements 2 * <paramref name="block"/> and 2 * <paramref name="block"/> + 1.</summary>
    void Pair(ulong low, ulong high, ulong block, out T first, out T second);
}

/// <summary>
/// The shared loop that fills a span from counter blocks, sequentially or on all cores. Element
/// i of a draw depends only on (key, i), so any split of the span into chunks gives the same bits.
/// </summary>
internal static class CounterFill
{
    /// <summary>Spans at least this long are filled in parallel.</summary>
    internal const int ParallelThreshold = 1 << 15;

    private const int BatchBlocks = 128;

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
        if (dst.IsEmpty)
        {
            return;
        }
        Span<ulong> words = stackalloc ulong[2 * BatchBlocks];
        long end = start + dst.Length;               // exclusive element index
        ulong firstBlock = (ulong)start >> 1;
        ulong endBlock = (ulong)(end + 1) >> 1;      // exclusive block index
        for (ulong b0 = firstBlock; b0 < endBlock; b0 += BatchBlocks)
        {
            int count = (int)Math.Min(BatchBlocks, endBlock - b0);
            PhiloxBatch.Fill(key, b0, words[..(2 * count)]);
            for (int j = 0; j < count; j++)
            {
                ulong block = b0 + (ulong)j;
                long e = (long)(2 * block) - start;   // position of element 2 * block in dst (may be -1)
                if (e >= 0 && e + 1 < dst.Length)
                {
                    sampler.Pair(words[2 * j], words[2 * j + 1], block, out dst[(int)e], out dst[(int)e + 1]);
                }
                else
                {
                    sampler.Pair(words[2 * j], words[2 * j + 1], block, out T first, out T second);
                    if (e >= 0)
                    {
                        dst[(int)e] = first;
                    }
                    if (e + 1 < dst.Length)
                    {
                        dst[(int)e + 1] = second;
                    }
                }
            }
        }
    }
}
