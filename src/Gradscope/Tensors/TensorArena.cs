using Gradscope.Tensors.Kernels;

namespace Gradscope.Tensors;

/// <summary>
/// A step-scoped allocator for the trainer's hot loop. While a scope is open on a thread, the
/// output buffers of tensor operations are rented from a per-thread pool and recorded; disposing
/// the scope returns them all. Only code that knows every tensor computed inside the scope is dead
/// at its end may open one: the trainer does, around forward, backward, probes and the optimiser
/// update, whose outputs (new parameters and optimiser state) are allocated outside the pool.
/// With <see cref="PoisonOnRelease"/> returned buffers are filled with NaN, so a tensor that
/// wrongly outlived its scope shows up as NaN instead of silently wrong numbers (tests turn it on).
/// </summary>
public static class TensorArena
{
    [ThreadStatic]
    private static Frame? t_current;

    /// <summary>Fill released buffers with NaN (tests enable this to catch escaping tensors).</summary>
    public static bool PoisonOnRelease { get; set; }

    public static bool IsActive => t_current is not null;

    /// <summary>Opens a scope on this thread (scopes nest).</summary>
    public static Scope Begin()
    {
        var f = new Frame(t_current);
        t_current = f;
        return new Scope(f);
    }

    internal static T[] Rent<T>(int n) where T : unmanaged
    {
        var frame = t_current;
        if (frame is null)
        {
            return GC.AllocateUninitializedArray<T>(n);
        }
        var a = Pool<T>.Rent(n);
        frame.Arrays.Add(a);
        return a;
    }

    public readonly struct Scope : IDisposable
    {
        private readonly Frame _frame;

        internal Scope(Frame frame) => _frame = frame;

        public void Dispose()
        {
            if (_frame is null || !ReferenceEquals(t_current, _frame))
            {
                return;
            }
            foreach (var a in _frame.Arrays)
            {
                switch (a)
                {
                    case double[] d:
                        if (PoisonOnRelease)
                        {
                            d.AsSpan().Fill(double.NaN);
                        }
                        Pool<double>.Return(d);
                        break;
                    case float[] f:
                        if (PoisonOnRelease)
                        {
                            f.AsSpan().Fill(float.NaN);
                        }
                        Pool<float>.Return(f);
                        break;
                    default:
                        break;
                }
            }
            _frame.Arrays.Clear();
            t_current = _frame.Parent;
        }
    }

    internal sealed class Frame(Frame? parent)
    {
        public Frame? Parent { get; } = parent;

        public List<Array> Arrays { get; } = [];
    }

    private static class Pool<T> where T : unmanaged
    {
        private const int MaxPerSize = 64;

        [ThreadStatic]
        private static Dictionary<int, Stack<T[]>>? t_free;

        public static T[] Rent(int n)
        {
            if (t_free is not null && t_free.TryGetValue(n, out var s) && s.Count > 0)
            {
                return s.Pop();
            }
            return GC.AllocateUninitializedArray<T>(n);
        }

        public static void Return(T[] a)
        {
            t_free ??= [];
            if (!t_free.TryGetValue(a.Length, out var s))
            {
                s = new Stack<T[]>();
                t_free[a.Length] = s;
            }
            if (s.Count < MaxPerSize)
            {
                s.Push(a);
            }
        }
    }
}
