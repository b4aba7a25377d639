using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Gradscope.Tensors.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous panel layouts the micro-kernels stream
/// through (Goto &amp; van de Geijn, "Anatomy of high-performance matrix multiplication", 2008):
/// packed data is read with unit stride, stays resident in the cache level it was sized for, and
/// never suffers the set conflicts a power-of-two leading dimension causes.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs the mc x kc block of op(A) whose (0, 0) element is at <paramref name="a"/> into one panel
    /// per row tile (the balanced tiling of <see cref="GemmManaged.TileStart"/>, at most
    /// <paramref name="mr"/> rows each): panel t starts at <c>dst + t*mr*kc</c>, element (i, p) of a
    /// panel at <c>[p*mr + i]</c>. Rows past a short tile are left unwritten; its kernel never reads them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(bool transA, T* a, nint lda, int mc, int kc, int mr, T* dst)
        where T : unmanaged
    {
        int tiles = GemmManaged.RowTiles(mc, mr);
        for (int t = 0; t < tiles; t++)
        {
            int q = GemmManaged.TileStart(t, mc, tiles);
            int rows = GemmManaged.TileStart(t + 1, mc, tiles) - q;
            T* d = dst + (nint)t * mr * kc;
            if (transA)
            {
                // op(A)(i, p) = a[p*lda + i]: each p contributes `rows` contiguous elements.
                CopyRows(a + q, lda, d, mr, rows, kc);
            }
            else
            {
                // op(A)(i, p) = a[i*lda + p]: a transpose of a rows x kc strip.
                Transpose(a + q * lda, lda, d, mr, rows, kc);
            }
        }
    }

    /// <summary>
    /// Packs the kc x nc block of op(B) whose (0, 0) element is at <paramref name="b"/> into panels of
    /// <paramref name="nr"/> columns: panel q (columns q*nr ..) starts at <c>dst + q*nr*kc</c>, element
    /// (p, j) of a panel at <c>[p*nr + j]</c>. The last panel is zero-padded to nr columns (the kernel
    /// computes whole vectors; zeros keep the unused lanes finite and cheap).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<T>(bool transB, T* b, nint ldb, int kc, int nc, int nr, T* dst)
        where T : unmanaged
    {
        for (int q = 0; q < nc; q += nr)
        {
            int cols = Math.Min(nr, nc - q);
            T* d = dst + (nint)q * kc;
            if (cols < nr)
            {
                new Span<T>(d, kc * nr).Clear();
            }
            if (!transB)
            {
                // op(B)(p, j) = b[p*ldb + j]: each p contributes `cols` contiguous elements.
                CopyRows(b + q, ldb, d, nr, cols, kc);
            }
            else
            {
                // op(B)(p, j) = b[j*ldb + p]: a transpose of a cols x kc strip.
                Transpose(b + q * ldb, ldb, d, nr, cols, kc);
            }
        }
    }

    /// <summary>d[p*width + 0..count) = s[p*ld + 0..count) for p in [0, kc).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRows<T>(T* s, nint ld, T* d, int width, int count, int kc) where T : unmanaged
    {
        int w = Vector512<T>.Count;
        if (count == 2 * w && Vector512.IsHardwareAccelerated)
        {
            for (int p = 0; p < kc; p++)
            {
                Vector512.Store(Vector512.Load(s), d);
                Vector512.Store(Vector512.Load(s + w), d + w);
                s += ld;
                d += width;
            }
            return;
        }
        nint bytes = (nint)count * sizeof(T);
        for (int p = 0; p < kc; p++)
        {
            Buffer.MemoryCopy(s, d, bytes, bytes);
            s += ld;
            d += width;
        }
    }

    /// <summary>
    /// d[p*width + i] = s[i*ld + p] for i in [0, count), p in [0, kc): a strip transpose, four source
    /// rows at a time so that reads stay sequential in four streams and writes fill whole lines.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose<T>(T* s, nint ld, T* d, int width, int count, int kc) where T : unmanaged
    {
        int i = 0;
        for (; i + 4 <= count; i += 4)
        {
            T* s0 = s + i * ld, s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld;
            T* di = d + i;
            for (int p = 0; p < kc; p++)
            {
                di[0] = s0[p];
                di[1] = s1[p];
                di[2] = s2[p];
                di[3] = s3[p];
                di += width;
            }
        }
        for (; i < count; i++)
        {
            T* si = s + i * ld;
            T* di = d + i;
            for (int p = 0; p < kc; p++)
            {
                di[(nint)p * width] = si[p];
            }
        }
    }
}

/// <summary>
/// Per-thread packing buffers, grown on demand and then reused, so that a GEMM call allocates
/// nothing once a thread has seen its largest block. Pinned (POH) arrays aligned to 64 bytes by
/// offset; they die with their thread.
/// </summary>
internal sealed unsafe class GemmWorkspace
{
    [ThreadStatic]
    private static GemmWorkspace? t_current;

    private byte[]? _a;
    private byte[]? _b;

    public static GemmWorkspace Current => t_current ??= new GemmWorkspace();

    public T* PanelA<T>(long elements) where T : unmanaged => (T*)Get(ref _a, elements * sizeof(T));

    public T* PanelB<T>(long elements) where T : unmanaged => (T*)Get(ref _b, elements * sizeof(T));

    private static byte* Get(ref byte[]? buffer, long bytes)
    {
        if (buffer is null || buffer.Length < bytes + 64)
        {
            buffer = GC.AllocateUninitializedArray<byte>(checked((int)(bytes + 64)), pinned: true);
        }
        byte* p = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (byte*)(((nint)p + 63) & ~(nint)63);
    }
}
