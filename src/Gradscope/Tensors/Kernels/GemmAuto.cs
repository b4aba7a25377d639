using Gradscope.Tensors.Native;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// The Auto backend's size rule: OpenBLAS for products large enough that it beats the managed
/// kernels, managed below that (no P/Invoke transition, no OpenBLAS thread wake-up) and whenever
/// OpenBLAS is absent (silently: Auto never promised OpenBLAS). Thresholds are the crossovers
/// measured with <c>gradscope bench gemm</c> on the reference machine (docs/performance.md).
/// </summary>
internal static class GemmAuto
{
    /// <summary>Multiply-adds (m n k) from which OpenBLAS is used for float64.</summary>
    internal static long DoubleThreshold { get; set; } = 128L * 128 * 128;

    /// <summary>Multiply-adds (m n k) from which OpenBLAS is used for float32.</summary>
    internal static long SingleThreshold { get; set; } = 128L * 128 * 128;

    public static GemmBackend Choose<T>(int m, int n, int k)
    {
        long work = (long)m * n * k;
        long threshold = typeof(T) == typeof(double) ? DoubleThreshold : SingleThreshold;
        return work >= threshold && OpenBlasLibrary.IsAvailable ? GemmBackend.OpenBlas : GemmBackend.Managed;
    }
}
