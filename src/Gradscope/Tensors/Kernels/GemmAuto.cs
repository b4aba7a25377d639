using Gradscope.Tensors.Native;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// The Auto backend's rule, from measurements on the reference machine (docs/performance.md):
/// <list type="bullet">
/// <item>OpenBLAS absent: managed, silently (Auto never promised OpenBLAS).</item>
/// <item>Products small enough to run single-threaded (below <see cref="GemmManaged.ParallelThreshold"/>):
/// OpenBLAS when A and B are both plain or both transposed (its small-matrix kernels beat ours by
/// 5-25% there, and at these sizes it runs on the calling thread only), managed for the mixed
/// cases, where OpenBLAS packs and we do not (NT: managed up to 1.3x faster).</item>
/// <item>Everything larger: managed. With the GEMM helper thread it runs at 1.4-2x OpenBLAS from 64^3
/// to 256^3, where OpenBLAS's threading does not pay off yet, and on par with it (0.95-1.2x) at 512^3
/// and 1024^3. Keeping OpenBLAS out of the threaded range also matters: after a threaded call its
/// idle workers poll for ~100 ms, and a managed threaded product started meanwhile loses one of the
/// two cores (measured: half speed), which a mixed-size training step would hit every step.</item>
/// </list>
/// </summary>
internal static class GemmAuto
{
    /// <summary>Multiply-adds (m n k) from which OpenBLAS takes over again (never, by default; see above).</summary>
    internal static long LargeThreshold { get; set; } = long.MaxValue;

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
