using System.Numerics;
using System.Runtime.ExceptionServices;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// Splits one GEMM into slabs of whole output tiles (rows or columns of C, never k) and runs them on
/// the calling thread plus thread-pool workers. Slabs are claimed with an interlocked counter, so if
/// a worker starts late the caller simply takes its slab too; no slab is ever computed twice and
/// the slab boundaries do not depend on who runs them. One small object per threaded call (only
/// products above <see cref="GemmManaged.ParallelThreshold"/> get here).
/// </summary>
internal sealed unsafe class GemmParallel<T, TK> : IThreadPoolWorkItem
    where T : unmanaged, IFloatingPointIeee754<T>
    where TK : struct, IGemmKernel<T>
{
    private readonly GemmJob<T> _job;
    private readonly int _slabs;
    private readonly bool _splitM;
    private int _next = -1;
    private int _done;
    private Exception? _error;

    private GemmParallel(in GemmJob<T> job, int slabs, bool splitM)
    {
        _job = job;
        _slabs = slabs;
        _splitM = splitM;
    }

    public static void Run(in GemmJob<T> job, int slabs, bool splitM)
    {
        var work = new GemmParallel<T, TK>(in job, slabs, splitM);
        for (int i = 1; i < slabs; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(work, preferLocal: false);
        }
        work.Execute();
        var spin = new SpinWait();
        while (Volatile.Read(ref work._done) < slabs)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        if (work._error is { } error)
        {
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    public void Execute()
    {
        int s;
        while ((s = Interlocked.Increment(ref _next)) < _slabs)
        {
            try
            {
                RunSlab(s);
            }
            catch (Exception e)
            {
                _error ??= e;
            }
            finally
            {
                Interlocked.Increment(ref _done);
            }
        }
    }

    private void RunSlab(int s)
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
