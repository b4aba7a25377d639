namespace Gradscope.Tensors.Kernels;

/// <summary>
/// Output buffers. Results that a kernel overwrites completely skip the zeroing that `new T[n]`
/// does (for a 256 x 32 activation that is 64 KB of stores per op, a visible share of a small
/// training step).
/// </summary>
internal static class Buffers
{
    public static T[] Uninitialized<T>(int n) where T : unmanaged => n == 0 ? [] : GC.AllocateUninitializedArray<T>(n);
}
