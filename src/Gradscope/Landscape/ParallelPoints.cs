using System.Runtime.ExceptionServices;

namespace Gradscope.Landscape;

/// <summary>
/// Runs independent work items on up to <c>threads</c> threads (the calling thread plus dedicated
/// ones), each thread with its own state (a landscape worker's buffers). Items are handed out in
/// order from a shared counter; the result of an item must not depend on which thread ran it — that
/// is what makes landscape values independent of the thread count.
/// </summary>
internal static class ParallelPoints
{
    /// <summary>The default thread count: the machine's cores.</summary>
    public static int DefaultThreads => Environment.ProcessorCount;

    public static int Resolve(int? threads)
    {
        if (threads is int t && t < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), t, "threads must be at least 1");
        }
        return threads ?? DefaultThreads;
    }

    /// <summary>
    /// body(state, item) for item in [0, count). The first exception (from any thread, including
    /// <paramref name="body"/> itself) stops the others from taking new items and is rethrown; a
    /// cancellation stops them likewise and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static void Run<TState>(int count, int threads, Func<TState> init, Action<TState, int> body, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        if (count <= 0)
        {
            return;
        }
        threads = Math.Clamp(threads, 1, count);
        int next = -1;
        ExceptionDispatchInfo? error = null;
        bool stop = false;
        void Loop()
        {
            try
            {
                var state = init();
                int item;
                while (!Volatile.Read(ref stop) && !cancel.IsCancellationRequested && (item = Interlocked.Increment(ref next)) < count)
                {
                    body(state, item);
                }
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref error, ExceptionDispatchInfo.Capture(ex), null);
                Volatile.Write(ref stop, true);
            }
        }
        var helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.Length; i++)
        {
            helpers[i] = new Thread(Loop) { IsBackground = true, Name = $"gradscope-landscape-{i + 1}" };
            helpers[i].Start();
        }
        Loop();
        foreach (var t in helpers)
        {
            t.Join();
        }
        error?.Throw();
        cancel.ThrowIfCancellationRequested();
    }
}
