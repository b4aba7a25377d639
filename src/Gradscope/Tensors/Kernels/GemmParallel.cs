using System.Numerics;
using System.Runtime.ExceptionServices;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// A piece of GEMM work split into independent chunks. Chunks are claimed with an interlocked
/// counter by the calling thread and by whichever helpers (<see cref="GemmWorkers"/>) join in, so a
/// helper that starts late simply finds less (or nothing) to do; no chunk runs twice, and chunk
/// boundaries never depend on who runs them. One small object per threaded call (only products
/// above the parallel thresholds get here).
/// </summary>
internal abstract class GemmParallelWork
{
    private readonly int _chunks;
    private int _next = -1;
    private int _done;
    private Exception? _error;

    protected GemmParallelWork(int chunks) => _chunks = chunks;

    /// <summary>Runs chunk <paramref name="index"/>; called exactly once per index.</summary>
    protected abstract void RunChunk(int index);

    /// <summary>Claims and runs chunks until none are left (any thread may call it, any number of times); returns how many it ran.</summary>
    public int Execute()
    {
        int s, ran = 0;
        while ((s = Interlocked.Increment(ref _next)) < _chunks)
        {
            ran++;
            try
            {
                RunChunk(s);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }
            finally
            {
                Interlocked.Increment(ref _done);
            }
        }
        return ran;
    }

    /// <summary>
    /// Offers the work to up to <paramref name="helpers"/> helper threads, works on it from the
    /// calling thread, then waits (spinning: the remaining chunks are already running) until every
    /// chunk has finished; rethrows the first chunk exception.
    /// </summary>
    public void Run(int helpers)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        bool awake = GemmWorkers.Offer(this, helpers);
        int ran = Execute();
        long own = System.Diagnostics.Stopwatch.GetTimestamp(), waited = 0;
        if (Volatile.Read(ref _done) < _chunks)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _done) < _chunks)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            waited = System.Diagnostics.Stopwatch.GetTimestamp() - own;
        }
        if (awake)
        {
            // A helper woken from its sleep joins late by design; only calls that found the helpers
            // polling say whether they can keep up.
            GemmWorkers.Report(helped: ran < _chunks, own - start, waited);
        }
        if (_error is { } error)
        {
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }
}

/// <summary>
/// One GEMM split into slabs of whole output tiles: row slabs (multiples of MR) or column slabs
/// (multiples of NR), never k, so each element of C is computed exactly as in a serial run.
/// </summary>
internal sealed unsafe class GemmParallel<T, TK> : GemmParallelWork
    where T : unmanaged, IFloatingPointIeee754<T>
    where TK : struct, IGemmKernel<T>
{
    private readonly GemmJob<T> _job;
    private readonly int _slabs;
    private readonly bool _splitM;

    private GemmParallel(in GemmJob<T> job, int slabs, bool splitM)
        : base(slabs)
    {
        _job = job;
        _slabs = slabs;
        _splitM = splitM;
    }

    /// <summary>Computes the job as <paramref name="slabs"/> slabs on the caller plus up to slabs - 1 helpers.</summary>
    public static void Run(in GemmJob<T> job, int slabs, bool splitM)
        => new GemmParallel<T, TK>(in job, slabs, splitM).Run(slabs - 1);

    protected override void RunChunk(int s)
    {
        if (_splitM)
        {
            var (i0, i1) = Bounds(s, _job.M, TK.MR);
            GemmManaged.RunSlab<T, TK>(in _job, i0, i1, 0, _job.N);
        }
        else
        {
            var (j0, j1) = Bounds(s, _job.N, TK.NR);
            GemmManaged.RunSlab<T, TK>(in _job, 0, _job.M, j0, j1);
        }
    }

    /// <summary>Slab s of an extent split into whole tiles, as evenly as the tiles allow.</summary>
    private (int Start, int End) Bounds(int s, int extent, int tile)
    {
        int tiles = (extent + tile - 1) / tile;
        int start = (int)((long)tiles * s / _slabs) * tile;
        int end = (int)((long)tiles * (s + 1) / _slabs) * tile;
        return (Math.Min(start, extent), Math.Min(end, extent));
    }
}

/// <summary>
/// Helper threads for threaded GEMMs: one per core beyond the caller's, started on first use.
/// The thread pool wakes a parked worker in ~20-40 µs on the reference VM (median; milliseconds in
/// the tail), as long as a whole 128^3 product takes, so a product split through the pool mostly ran
/// on one thread. A helper instead spins briefly after each piece of work (<see cref="SpinMicroseconds"/>,
/// like OpenBLAS's own threads) and only then blocks: back-to-back products, as in a training loop,
/// find it awake. A helper that is busy (another thread's GEMM) simply does not join; the caller
/// then does all chunks itself, so concurrent callers never oversubscribe the cores.
/// </summary>
internal static class GemmWorkers
{
    /// <summary>How long an idle helper keeps polling for work before it blocks.</summary>
    internal static int SpinMicroseconds { get; set; } = 200;

    private static long s_throttledUntil;
    private static int s_strikes;
    private static int s_misses;
    private static int s_calls;

    /// <summary>
    /// True for a while after the helpers failed a threaded call: products then run on the calling
    /// thread only (results do not depend on the thread count, bitwise), and the helpers go to
    /// sleep. On this shared 2-core machine, when another process keeps the second core busy, a
    /// threaded 256 x 32 x 32 product took ~25 µs against ~10 µs serial: the helper rarely got to
    /// run, the caller did all the chunks itself and paid the hand-off on top, and a helper that
    /// had claimed a chunk could be descheduled for a whole time slice while the caller spun.
    /// </summary>
    public static bool Throttled => System.Diagnostics.Stopwatch.GetTimestamp() < Volatile.Read(ref s_throttledUntil);

    /// <summary>Ends a throttling pause now (tests that must exercise the threaded paths on a loaded machine).</summary>
    internal static void ResetThrottle()
    {
        s_strikes = 0;
        Volatile.Write(ref s_throttledUntil, 0);
    }

    /// <summary>
    /// Called after each threaded call with whether a helper ran any chunk and, in Stopwatch
    /// ticks, the caller's own work and its wait for the helpers. A call fails when no helper
    /// joined it (a polling helper joins within a microsecond) or the wait was clearly longer than
    /// the caller's own share (chunks are equal, so a running helper finishes about when the caller
    /// does). A stall, or more than 4 failures in a window of 32 calls, pauses threading for 5 ms,
    /// doubling with each further such window up to 80 ms (so a freed core is found again soon); a clean window resets the doubling.
    /// </summary>
    internal static void Report(bool helped, long ownTicks, long waitTicks)
    {
        long slack = System.Diagnostics.Stopwatch.Frequency / 50_000; // 20 µs
        bool stalled = waitTicks > ownTicks + slack;
        if (!helped || stalled)
        {
            s_misses++;
        }
        if (++s_calls < 32 && !stalled)
        {
            return;
        }
        bool failed = stalled || s_misses > 4;
        s_calls = 0;
        s_misses = 0;
        if (!failed)
        {
            s_strikes = 0;
            return;
        }
        int strikes = Math.Min(s_strikes + 1, 5);
        s_strikes = strikes;
        long pause = System.Diagnostics.Stopwatch.Frequency / 1000 * (5L << (strikes - 1));
        Volatile.Write(ref s_throttledUntil, System.Diagnostics.Stopwatch.GetTimestamp() + pause);
    }

    private static readonly Lazy<Helper[]> s_helpers = new(() =>
    {
        var helpers = new Helper[Math.Max(0, Environment.ProcessorCount - 1)];
        for (int i = 0; i < helpers.Length; i++)
        {
            helpers[i] = new Helper(i);
        }
        return helpers;
    });

    /// <summary>
    /// Hands <paramref name="work"/> to up to <paramref name="count"/> idle helpers; returns false
    /// when one of them was asleep and had to be woken (it then joins tens of microseconds late).
    /// </summary>
    public static bool Offer(GemmParallelWork work, int count)
    {
        bool allAwake = true;
        if (count <= 0)
        {
            return allAwake;
        }
        foreach (var helper in s_helpers.Value)
        {
            if (count == 0)
            {
                break;
            }
            if (helper.TryAssign(work, out bool woken))
            {
                count--;
                allAwake &= !woken;
            }
        }
        return allAwake;
    }

    private sealed class Helper
    {
        private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
        private GemmParallelWork? _work;
        private int _sleeping;

        public Helper(int index)
        {
            var thread = new Thread(Loop)
            {
                IsBackground = true,
                Name = $"gradscope-gemm-{index + 1}",
            };
            thread.Start();
        }

        public bool TryAssign(GemmParallelWork work, out bool woken)
        {
            woken = false;
            if (Interlocked.CompareExchange(ref _work, work, null) is not null)
            {
                return false;
            }
            if (Volatile.Read(ref _sleeping) == 1)
            {
                _wake.Set();
                woken = true;
            }
            return true;
        }

        private void Loop()
        {
            long spinTicks = System.Diagnostics.Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
            long idleSince = System.Diagnostics.Stopwatch.GetTimestamp();
            while (true)
            {
                var work = Volatile.Read(ref _work);
                if (work is not null)
                {
                    work.Execute();
                    Volatile.Write(ref _work, null);
                    idleSince = System.Diagnostics.Stopwatch.GetTimestamp();
                    continue;
                }
                if (System.Diagnostics.Stopwatch.GetTimestamp() - idleSince < spinTicks)
                {
                    Thread.SpinWait(16);
                    continue;
                }
                // Block. Announce it first, then look once more, so that an assignment made in between
                // is either seen here or sees _sleeping = 1 and sets the event.
                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _work) is null)
                {
                    _wake.Wait();
                }
                _wake.Reset();
                Interlocked.Exchange(ref _sleeping, 0);
                idleSince = System.Diagnostics.Stopwatch.GetTimestamp();
            }
        }
    }
}
