using System.Numerics;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Ensembles;

/// <summary>
/// One step of a replica batch as parallel work: chunk i is replica <c>replicas[i]</c>'s whole step
/// (forward, backward, metrics, update), claimed by the calling thread and the GEMM helper threads
/// (<see cref="GemmWorkers"/>), so the ensemble shares the engine's helpers, their spinning and their
/// back-off when another process holds the second core, instead of adding threads of its own.
/// </summary>
internal sealed class ReplicaStepWork<T> : GemmParallelWork where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReplicaBatch<T> _batch;
    private readonly int[] _replicas;

    private ReplicaStepWork(ReplicaBatch<T> batch, int[] replicas, int count)
        : base(count)
    {
        _batch = batch;
        _replicas = replicas;
    }

    /// <summary>Steps the first <paramref name="count"/> replicas of <paramref name="replicas"/>, on up to <paramref name="threads"/> threads.</summary>
    public static void Run(ReplicaBatch<T> batch, int[] replicas, int count, int threads)
    {
        int helpers = Math.Min(threads, Environment.ProcessorCount) - 1;
        if (count < 2 || helpers < 1 || GemmWorkers.Throttled)
        {
            for (int i = 0; i < count; i++)
            {
                batch.Step(replicas[i]);
            }
            return;
        }
        new ReplicaStepWork<T>(batch, replicas, count).Run(Math.Min(helpers, count - 1));
    }

    protected override void RunChunk(int index) => _batch.Step(_replicas[index]);
}
