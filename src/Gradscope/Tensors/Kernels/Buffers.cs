namespace Gradscope.Tensors.Kernels;

/// <summary>
/// Output buffers. Results that a kernel overwrites completely skip the zeroing that `new T[n]`
/// does, and inside a <see cref="TensorArena"/> scope they are recycled from the previous step
/// instead of freshly allocated (fresh multi-megabyte activations are cold in cache and cost
/// more than the elementwise work on them).
/// </summary>
internal static class Buffers
{
    public static T[] Uninitialized<T>(int n) where T : unmanaged => n == 0 ? [] : TensorArena.Rent<T>(n);
}
