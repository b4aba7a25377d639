using Gradscope.Lab.Store;

namespace Gradscope.Lab.Sweeps;

/// <summary>
/// Renews the leases of the trials a worker holds every third of the lease, from a thread of its own
/// with a store connection of its own (store instances are single-threaded, and the worker's
/// connection is busy writing metrics). A lease that cannot be renewed (it expired and another worker
/// took the trial) calls <c>onLost</c> and is not renewed again; a store that cannot be reached is
/// retried at the next beat (the lease has slack for that).
/// </summary>
internal sealed class LeaseHeartbeat : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public LeaseHeartbeat(string location, string sweep, IReadOnlyList<int> trials, string worker, TimeSpan lease, Action<int>? onLost = null)
    {
        _thread = new Thread(() =>
        {
            using var store = RunStore.Open(location);
            var sweeps = (ISweepStore)store;
            var held = trials.ToList();
            while (held.Count > 0 && !_stop.Token.WaitHandle.WaitOne(lease / 3))
            {
                foreach (int t in held.ToArray())
                {
                    try
                    {
                        if (!sweeps.RenewLease(sweep, t, worker, lease))
                        {
                            held.Remove(t);
                            onLost?.Invoke(t);
                        }
                    }
                    catch (StoreException)
                    {
                    }
                }
            }
        }) { IsBackground = true, Name = "gradscope-lease" };
        _thread.Start();
    }

    /// <summary>Stops renewing and waits for the thread (idempotent).</summary>
    public void Stop()
    {
        _stop.Cancel();
        _thread.Join();
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }
}
