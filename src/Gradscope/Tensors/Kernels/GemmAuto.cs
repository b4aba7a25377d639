using Gradscope.Tensors.Native;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// The Auto backend's rule, from measurements on the reference machine (docs/performance.md):
/// <list type="bullet">
/// <item>OpenBLAS absent: managed, silently (Auto never promised OpenBLAS).</item>
/// <item>Products small enough to run single-threaded (below <see cref="GemmManaged.ParallelThreshold"/>):
/// OpenBLAS when A and B are both plain or both transposed (its small-matrix kernels beat ours by
/// 5-25% there), managed for the mixed cases, where OpenBLAS packs and we do not (NT: managed up to 1.3x).</item>
/// <item>From there up to <see cref="LargeThreshold"/>: managed. With the GEMM helper thread it runs at
/// 1.5-1.9x OpenBLAS from 48^3 to 256^3, where OpenBLAS's own threading does not pay off yet.</item>
/// <item>From <see cref="LargeThreshold"/> on: OpenBLAS (both run near the machine's peak; OpenBLAS
/// does not depend on our block sizes fitting the caches of an unknown machine).</item>
/// </list>
/// </summary>
internal static class GemmAuto
{
    /// <summary>Multiply-adds (m n k) from which OpenBLAS takes over again.</summary>
    internal static long LargeThreshold { get; set; } = 512L * 512 * 512;

    public static GemmBackend Choose<T>(bool transA, bool transB, int m, int n, int k)
    {
        if (!OpenBlasLibrary.IsAvailable)
        {
            return GemmBackend.Managed;
        }
        long work = (long)m * n * k;
        if (work < GemmManaged.ParallelThreshold)
        {
            return transA == transB ? GemmBackend.OpenBlas : GemmBackend.Managed;
        }
        return work < LargeThreshold ? GemmBackend.Managed : GemmBackend.OpenBlas;
    }
}
