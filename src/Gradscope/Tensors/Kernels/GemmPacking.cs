using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    /// Packs the mc x kc block of op(A) whose (0, 0) element is at <paramref name="a"/> into panels of
    /// <paramref name="mr"/> rows: panel q (rows q*mr ..) starts at <c>dst + q*mr*kc</c>, element (i, p)
    /// of a panel at <c>[p*mr + i]</c>. Rows past mc in the last panel are left unwritten; the kernel
    /// for a partial panel never reads them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(bool transA, T* a, nint lda, int mc, int kc, int mr, T* dst)
        where T : unmanaged
    {
        for (int q = 0; q < mc; q += mr)
        {
            int rows = Math.Min(mr, mc - q);
            T* d = dst + (nint)q * kc;
            if (transA)
            {
                // op(A)(i, p) = a[p*lda + i]: each p contributes `rows` contiguous elements.
                T* s = a + q;
                nint bytes = (nint)rows * sizeof(T);
                for (int p = 0; p < kc; p++)
                {
                    Buffer.MemoryCopy(s, d, bytes, bytes);
                    s += lda;
                    d += mr;
                }
            }
            else if (rows == mr && mr == 8)
            {
                PackRowsTransposed8(a + (nint)q * lda, lda, kc, d);
            }
            else
            {
                // op(A)(i, p) = a[i*lda + p]: a transpose of a rows x kc strip.
                for (int i = 0; i < rows; i++)
                {
                    T* s = a + (q + i) * lda;
                    T* di = d + i;
                    for (int p = 0; p < kc; p++)
                    {
                        di[(nint)p * mr] = s[p];
                    }
                }
            }
        }
    }

    /// <summary>Transposes a full 8 x kc row-major strip into 8-interleaved order (eight live row pointers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRowsTransposed8<T>(T* a, nint lda, int kc, T* d) where T : unmanaged
    {
        T* r0 = a, r1 = a + lda, r2 = a + 2 * lda, r3 = a + 3 * lda;
        T* r4 = a + 4 * lda, r5 = a + 5 * lda, r6 = a + 6 * lda, r7 = a + 7 * lda;
        for (int p = 0; p < kc; p++)
        {
            d[0] = r0[p];
            d[1] = r1[p];
            d[2] = r2[p];
            d[3] = r3[p];
            d[4] = r4[p];
            d[5] = r5[p];
            d[6] = r6[p];
            d[7] = r7[p];
            d += 8;
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
            if (!transB)
            {
                // op(B)(p, j) = b[p*ldb + j]: each p contributes `cols` contiguous elements.
                T* s = b + q;
                nint bytes = (nint)cols * sizeof(T);
                for (int p = 0; p < kc; p++)
                {
                    Buffer.MemoryCopy(s, d, bytes, bytes);
                    if (cols < nr)
                    {
                        new Span<T>(d + cols, nr - cols).Clear();
                    }
                    s += ldb;
                    d += nr;
                }
            }
            else
            {
                // op(B)(p, j) = b[j*ldb + p]: a transpose of a cols x kc strip.
                if (cols < nr)
                {
                    new Span<T>(d, kc * nr).Clear();
                }
                for (int j = 0; j < cols; j++)
                {
                    T* s = b + (q + j) * ldb;
                    T* dj = d + j;
                    for (int p = 0; p < kc; p++)
                    {
                        dj[(nint)p * nr] = s[p];
                    }
                }
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
