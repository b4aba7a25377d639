using System.Numerics;
using System.Runtime.CompilerServices;
using Gradscope.Tensors.Native;

namespace Gradscope.Tensors.Kernels;

/// <summary>Which implementation computes a GEMM.</summary>
public enum GemmBackend
{
    /// <summary>
    /// Per product, whichever measured faster on the reference machine: OpenBLAS (when installed)
    /// for small single-threaded NN/TT products, the managed kernels otherwise (see GemmAuto).
    /// </summary>
    Auto,

    /// <summary>The managed, vectorised Goto/BLIS-style kernels (always available, deterministic).</summary>
    Managed,

    /// <summary>OpenBLAS's cblas_dgemm/cblas_sgemm; falls back to managed (with one notice) when absent.</summary>
    OpenBlas,
}

/// <summary>
/// General matrix multiply on row-major storage: <c>C = alpha op(A) op(B) + beta C</c> for float64
/// and float32, the engine's one dense primitive. The managed path is a packed, register-blocked
/// kernel (see <see cref="GemmManaged"/>); OpenBLAS is an optional accelerator behind the same call.
/// </summary>
public static class Gemm
{
    private static GemmBackend s_backend = BackendFromEnvironment();
    private static int s_maxThreads = Environment.ProcessorCount;

    /// <summary>Backend used by Compute; default Auto; initialised from env GRADSCOPE_GEMM=auto|managed|openblas.</summary>
    public static GemmBackend Backend
    {
        get => s_backend;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown GEMM backend.");
            }
            s_backend = value;
        }
    }

    /// <summary>
    /// Upper bound on the threads one managed GEMM call uses (default: all cores). Results do not
    /// depend on it (bitwise); tests set 1 to compare the threaded path against the serial one.
    /// </summary>
    internal static int MaxThreads
    {
        get => s_maxThreads;
        set => s_maxThreads = Math.Max(1, value);
    }

    /// <summary>Parses a backend name (auto, managed, openblas; case-insensitive).</summary>
    public static bool TryParseBackend(string? text, out GemmBackend backend)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "auto": backend = GemmBackend.Auto; return true;
            case "managed": backend = GemmBackend.Managed; return true;
            case "openblas": backend = GemmBackend.OpenBlas; return true;
            default: backend = GemmBackend.Auto; return false;
        }
    }

    /// <summary>The lower-case name used on the command line and in JSON (auto, managed, openblas).</summary>
    public static string BackendName(GemmBackend backend) => backend switch
    {
        GemmBackend.Managed => "managed",
        GemmBackend.OpenBlas => "openblas",
        _ => "auto",
    };

    /// <summary>
    /// Row-major <c>C[m,n] = alpha * op(A) * op(B) + beta * C</c>, op(X) = X or X^T.
    /// A is m x k (or k x m when <paramref name="transA"/>) with leading dimension <paramref name="lda"/>;
    /// B is k x n (or n x k when <paramref name="transB"/>) with <paramref name="ldb"/>; C has <paramref name="ldc"/>.
    /// <paramref name="beta"/> == 0 means C is overwritten (never read, so NaN garbage in C does not propagate);
    /// k == 0 or alpha == 0 means C = beta * C (A and B are not read). C must not overlap A or B.
    /// </summary>
    /// <exception cref="NotSupportedException">T is neither double nor float.</exception>
    /// <exception cref="ArgumentException">A size is negative, a leading dimension is too small, or a span is too short (the exception names it).</exception>
    public static void Compute<T>(bool transA, bool transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Compute(s_backend, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>Same as <see cref="Compute{T}(bool, bool, int, int, int, T, ReadOnlySpan{T}, int, ReadOnlySpan{T}, int, T, Span{T}, int)"/> with an explicit backend.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Compute<T>(GemmBackend backend, bool transA, bool transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckType<T>();
        CheckSizes(m, n, k);
        CheckOperand(a.Length, transA, m, k, lda, 1, 0, nameof(a), nameof(lda));
        CheckOperand(b.Length, transB, k, n, ldb, 1, 0, nameof(b), nameof(ldb));
        CheckOperand(c.Length, false, m, n, ldc, 1, 0, nameof(c), nameof(ldc));
        if (m == 0 || n == 0)
        {
            return;
        }
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            if (k == 0 || alpha == T.Zero)
            {
                Scale(m, n, beta, pc, ldc);
                return;
            }
            Dispatch(Resolve<T>(backend, transA, transB, m, n, k), transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, s_maxThreads);
        }
    }

    /// <summary>
    /// Strided-batched GEMM: for i in [0, batch), <c>C_i = alpha op(A_i) op(B_i) + beta C_i</c> where
    /// X_i starts at element <c>i * strideX</c> of its span. strideA or strideB = 0 broadcasts one
    /// matrix to every product; the outputs must not overlap (strideC &gt; 0 when batch &gt; 1).
    /// </summary>
    public static void ComputeBatched<T>(bool transA, bool transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, long strideA, ReadOnlySpan<T> b, int ldb, long strideB,
        T beta, Span<T> c, int ldc, long strideC, int batch)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ComputeBatched(s_backend, transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch);

    /// <summary>Same as <see cref="ComputeBatched{T}(bool, bool, int, int, int, T, ReadOnlySpan{T}, int, long, ReadOnlySpan{T}, int, long, T, Span{T}, int, long, int)"/> with an explicit backend.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void ComputeBatched<T>(GemmBackend backend, bool transA, bool transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, long strideA, ReadOnlySpan<T> b, int ldb, long strideB,
        T beta, Span<T> c, int ldc, long strideC, int batch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckType<T>();
        CheckSizes(m, n, k);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(strideA);
        ArgumentOutOfRangeException.ThrowIfNegative(strideB);
        ArgumentOutOfRangeException.ThrowIfNegative(strideC);
        if (batch > 1 && strideC == 0 && m > 0 && n > 0)
        {
            throw new ArgumentException("strideC must be positive when batch > 1: the outputs must not overlap.", nameof(strideC));
        }
        CheckOperand(a.Length, transA, m, k, lda, batch, strideA, nameof(a), nameof(lda));
        CheckOperand(b.Length, transB, k, n, ldb, batch, strideB, nameof(b), nameof(ldb));
        CheckOperand(c.Length, false, m, n, ldc, batch, strideC, nameof(c), nameof(ldc));
        if (batch == 0 || m == 0 || n == 0)
        {
            return;
        }
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            if (k == 0 || alpha == T.Zero)
            {
                for (int i = 0; i < batch; i++)
                {
                    Scale(m, n, beta, pc + i * strideC, ldc);
                }
                return;
            }
            var chosen = Resolve<T>(backend, transA, transB, m, n, k);
            long work = (long)m * n * k;
            int threads = s_maxThreads;
            bool batchParallel = batch > 1 && threads > 1 && Environment.ProcessorCount > 1 && !GemmWorkers.Throttled
                && work < GemmManaged.ParallelThreshold && work * batch >= GemmManaged.ParallelThreshold;
            if (backend == GemmBackend.Auto && batchParallel)
            {
                // Many small products: one per core in parallel beats OpenBLAS's serial small kernels.
                chosen = GemmBackend.Managed;
            }
            if (chosen == GemmBackend.Managed && batchParallel)
            {
                // Many small products: one product per thread at a time (each computed serially,
                // hence bitwise the same as an unbatched call).
                GemmBatchParallel<T>.Run(transA, transB, m, n, k, alpha, pa, lda, strideA, pb, ldb, strideB,
                    beta, pc, ldc, strideC, batch, Math.Min(threads, Environment.ProcessorCount));
                return;
            }
            for (int i = 0; i < batch; i++)
            {
                Dispatch(chosen, transA, transB, m, n, k, alpha, pa + i * strideA, lda, pb + i * strideB, ldb,
                    beta, pc + i * strideC, ldc, threads);
            }
        }
    }

    /// <summary>The backend that will actually run a product of this size (Auto and fallbacks resolved).</summary>
    internal static GemmBackend Resolve<T>(GemmBackend requested, bool transA, bool transB, int m, int n, int k) where T : unmanaged
    {
        switch (requested)
        {
            case GemmBackend.Managed:
                return GemmBackend.Managed;
            case GemmBackend.OpenBlas:
                if (OpenBlasLibrary.IsAvailable)
                {
                    return GemmBackend.OpenBlas;
                }
                OpenBlasLibrary.ReportFallbackOnce("GEMM");
                return GemmBackend.Managed;
            default:
                return GemmAuto.Choose<T>(transA, transB, m, n, k);
        }
    }

    internal static unsafe void Dispatch<T>(GemmBackend resolved, bool transA, bool transB, int m, int n, int k, T alpha,
        T* a, int lda, T* b, int ldb, T beta, T* c, int ldc, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (resolved == GemmBackend.OpenBlas)
        {
            GemmOpenBlas.Compute(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        else
        {
            GemmManaged.Compute(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, maxThreads);
        }
    }

    /// <summary>C = beta C on an m x n block (beta == 0 writes zeros without reading C).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Scale<T>(int m, int n, T beta, T* c, nint ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<T>(c + i * ldc, n);
            if (beta == T.Zero)
            {
                row.Clear();
            }
            else if (beta != T.One)
            {
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] *= beta;
                }
            }
        }
    }

    private static void CheckType<T>()
    {
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float))
        {
            throw new NotSupportedException($"GEMM supports double and float, not {typeof(T).Name}.");
        }
    }

    private static void CheckSizes(int m, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
    }

    /// <summary>
    /// Checks that a rows x cols operand (stored transposed when <paramref name="trans"/>) with leading
    /// dimension <paramref name="ld"/>, repeated <paramref name="count"/> times <paramref name="stride"/>
    /// elements apart, fits in <paramref name="length"/> elements.
    /// </summary>
    private static void CheckOperand(int length, bool trans, int rows, int cols, int ld, int count, long stride,
        string name, string ldName)
    {
        long storedRows = trans ? cols : rows;
        long storedCols = trans ? rows : cols;
        if (ld < Math.Max(1, storedCols))
        {
            throw new ArgumentOutOfRangeException(ldName, ld,
                $"Leading dimension {ldName} = {ld} is smaller than the row length {storedCols} of {name}.");
        }
        if (storedRows == 0 || storedCols == 0 || count == 0)
        {
            return;
        }
        long needed = (count - 1) * stride + (storedRows - 1) * ld + storedCols;
        if (length < needed)
        {
            throw new ArgumentException(
                $"{name} has {length} elements but a {storedRows} x {storedCols} operand with leading dimension {ld}" +
                (count > 1 ? $", {count} of them {stride} apart," : "") + $" needs {needed}.", name);
        }
    }

    private static GemmBackend BackendFromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable("GRADSCOPE_GEMM");
        if (string.IsNullOrWhiteSpace(text))
        {
            return GemmBackend.Auto;
        }
        if (TryParseBackend(text, out var backend))
        {
            return backend;
        }
        Console.Error.WriteLine($"gradscope: ignoring GRADSCOPE_GEMM={text} (expected auto, managed or openblas); using auto");
        return GemmBackend.Auto;
    }
}
