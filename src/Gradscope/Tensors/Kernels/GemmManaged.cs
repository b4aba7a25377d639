using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gradscope.Tensors.Kernels;

/// <summary>Which managed micro-kernel family runs (tests force the narrower ones).</summary>
internal enum GemmIsa
{
    /// <summary>The widest accelerated one.</summary>
    Auto,
    Vector512,
    Vector,
    Scalar,
}

/// <summary>
/// One GEMM problem with its blocking: what every thread of a call shares. Pointers are to the
/// (0, 0) elements; all sizes are positive and alpha is non-zero (Gemm handles the rest).
/// </summary>
internal unsafe struct GemmJob<T> where T : unmanaged
{
    public bool TransA;
    public bool TransB;
    public int M;
    public int N;
    public int K;
    public T Alpha;
    public T Beta;
    public T* A;
    public T* B;
    public T* C;
    public nint Lda;
    public nint Ldb;
    public nint Ldc;

    /// <summary>Depth of one rank-kc update: the k blocking, the same for every thread.</summary>
    public int KC;

    /// <summary>Rows of op(A) packed at once (the A block lives in L2/L3 and is reused for all of N).</summary>
    public int MC;

    /// <summary>Columns of op(B) packed at once (the B block lives in L2 and is reused for MC rows).</summary>
    public int NC;

    /// <summary>Whether op(A) is packed; otherwise the kernel reads A in place.</summary>
    public bool PackA;

    /// <summary>Whether op(B) is packed; otherwise (B not transposed) full panels are read in place.</summary>
    public bool PackB;
}

/// <summary>
/// The managed GEMM driver, Goto/BLIS style. Loop nest (outer to inner):
/// <code>
/// ic over M by MC        A block MC x KC packed (L2/L3)
///   pc over K by KC      C += alpha op(A)[ic, pc] op(B)[pc, :]   (beta applied on the first pc)
///     jc over N by NC    B block KC x NC packed (L2)
///       ir over MC by MR   A micro-panel MR x KC stays in L1
///         jr over NC by NR   micro-kernel: MR x NR accumulators in registers, B streamed from L2
/// </code>
/// Small products skip packing A (and B when not transposed): for widths around 32 the copy would
/// cost as much as the arithmetic. Large products are split across threads by output tiles only,
/// never along k, and the k blocking is fixed by the problem, not by the partition, so each element
/// of C is summed in the same order whatever the thread count: results are bitwise reproducible.
/// </summary>
internal static unsafe class GemmManaged
{
    /// <summary>Tuning knobs for block-size experiments (0 or null = the built-in choice).</summary>
    internal static int TuneKC { get; set; }

    internal static int TuneMC { get; set; }

    internal static int TuneNC { get; set; }

    internal static bool? TunePackA { get; set; }

    internal static bool? TunePackB { get; set; }

    /// <summary>
    /// Products with fewer multiply-adds than this run on one thread. Measured on the reference
    /// machine with the helper awake (back-to-back products): two threads lose at 36^3, win from
    /// 40^3 (71 vs 49 GFLOP/s float64) and reach 1.7x at 48^3.
    /// </summary>
    internal static long ParallelThreshold { get; set; } = 40L * 40 * 40;

    /// <summary>The widest kernel family this machine accelerates.</summary>
    public static GemmIsa ActiveIsa => Vector512.IsHardwareAccelerated ? GemmIsa.Vector512
        : Vector.IsHardwareAccelerated ? GemmIsa.Vector
        : GemmIsa.Scalar;

    public static void Compute<T>(bool transA, bool transB, int m, int n, int k, T alpha,
        T* a, nint lda, T* b, nint ldb, T beta, T* c, nint ldc, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Compute(GemmIsa.Auto, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, maxThreads);

    /// <summary>
    /// C = alpha op(A) op(B) + beta C with m, n, k &gt; 0 and alpha != 0 (Gemm handles the rest),
    /// on at most <paramref name="maxThreads"/> threads, with the kernel family <paramref name="isa"/>
    /// (tests force the narrower families to check they agree bitwise).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute<T>(GemmIsa isa, bool transA, bool transB, int m, int n, int k, T alpha,
        T* a, nint lda, T* b, nint ldb, T beta, T* c, nint ldc, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (maxThreads > 1 && GemmWorkers.Throttled)
        {
            maxThreads = 1;
        }
        var job = new GemmJob<T>
        {
            TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
            A = a, B = b, C = c, Lda = lda, Ldb = ldb, Ldc = ldc,
        };
        isa = isa == GemmIsa.Auto ? ActiveIsa : isa;
        if (isa == GemmIsa.Vector512 && (n == 1 || m == 1) && GemmDot.TryCompute(in job, maxThreads))
        {
            return;
        }
        switch (isa)
        {
            case GemmIsa.Vector512:
                Run<T, Kernel512<T>>(ref job, maxThreads);
                break;
            case GemmIsa.Vector:
                Run<T, KernelVector<T>>(ref job, maxThreads);
                break;
            default:
                Plan<T>(ref job, 1, 1);
                GemmScalar.Compute(ref job);
                break;
        }
    }

    /// <summary>Chooses blocking and packing from the whole problem (never from a thread's share).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Plan<T>(ref GemmJob<T> job, int mr, int nr) where T : unmanaged
    {
        bool f64 = sizeof(T) == 8;
        int kc = TuneKC > 0 ? TuneKC : f64 ? 256 : 512;
        int mc = TuneMC > 0 ? TuneMC : 1024;
        int nc = TuneNC > 0 ? TuneNC : 256;
        mc = Math.Max(mr, mc / mr * mr);
        nc = Math.Max(nr, nc / nr * nr);
        bool oneKBlock = job.K <= kc;
        // Balance the k blocks (e.g. k = 300 with KC = 256 -> 150 + 150, not 256 + 44).
        if (!oneKBlock)
        {
            int blocks = (job.K + kc - 1) / kc;
            kc = (job.K + blocks - 1) / blocks;
        }
        else
        {
            kc = job.K;
        }
        job.KC = kc;
        job.MC = mc;
        job.NC = nc;
        // Small operands are read in place: A when it fits in L2 comfortably (its rows are then
        // re-read from cache for every column tile), B when one k block and one column block cover it.
        bool smallA = oneKBlock && (long)job.M * job.K * sizeof(T) <= 128 * 1024;
        job.PackA = TunePackA ?? !smallA;
        job.PackB = job.TransB || (TunePackB ?? !(oneKBlock && job.N <= nc));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<T, TK>(ref GemmJob<T> job, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TK : struct, IGemmKernel<T>
    {
        Plan<T>(ref job, TK.MR, TK.NR);
        long work = (long)job.M * job.N * job.K;
        int threads = work < ParallelThreshold ? 1 : Math.Min(maxThreads, Environment.ProcessorCount);
        if (threads > 1)
        {
            int tilesM = (job.M + TK.MR - 1) / TK.MR;
            int tilesN = (job.N + TK.NR - 1) / TK.NR;
            bool splitM = tilesM >= 2 * threads || tilesM >= tilesN;
            if (splitM && tilesM < 4 * threads)
            {
                // Few row tiles: whole tiles may split the rows unevenly (32 rows with MR = 12 are
                // 12 + 20), so take the column split when its largest slab is clearly smaller
                // (32 x 32 x 256: 32 x 16 per thread instead of 20 x 32, about 20% sooner done).
                long byRows = (long)Math.Min(job.M, (tilesM + threads - 1) / threads * TK.MR) * job.N;
                long byCols = (long)Math.Min(job.N, (tilesN + threads - 1) / threads * TK.NR) * job.M;
                splitM = byRows * 10 <= byCols * 11;
            }
            int tiles = splitM ? tilesM : tilesN;
            threads = Math.Min(threads, tiles);
            if (threads > 1)
            {
                GemmParallel<T, TK>.Run(in job, threads, splitM);
                return;
            }
        }
        RunSlab<T, TK>(in job, 0, job.M, 0, job.N);
    }

    /// <summary>Computes the rows [i0, i1) x columns [j0, j1) of C (bounds on tile edges).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RunSlab<T, TK>(in GemmJob<T> job, int i0, int i1, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TK : struct, IGemmKernel<T>
    {
        var ws = GemmWorkspace.Current;
        int mr = TK.MR;
        T* packedA = job.PackA ? ws.PanelA<T>((long)RoundUp(Math.Min(job.MC, i1 - i0), mr) * job.KC) : null;
        for (int ic = i0; ic < i1; ic += job.MC)
        {
            int mc = Math.Min(job.MC, i1 - ic);
            for (int pc = 0; pc < job.K; pc += job.KC)
            {
                int kc = Math.Min(job.KC, job.K - pc);
                T beta = pc == 0 ? job.Beta : T.One;
                if (job.PackA)
                {
                    T* src = job.TransA ? job.A + pc * job.Lda + ic : job.A + ic * job.Lda + pc;
                    GemmPacking.PackA(job.TransA, src, job.Lda, mc, kc, mr, packedA);
                    var panels = new PackedSource<T>(packedA, kc, mr);
                    RunBlock<T, TK, PackedSource<T>, StridedPanelA<T>>(in job, panels, ws, ic, mc, pc, kc, j0, j1, beta);
                }
                else if (job.TransA)
                {
                    var panels = new TransposedSource<T>(job.A + pc * job.Lda + ic, job.Lda);
                    RunBlock<T, TK, TransposedSource<T>, StridedPanelA<T>>(in job, panels, ws, ic, mc, pc, kc, j0, j1, beta);
                }
                else
                {
                    var panels = new RowMajorSource<T>(job.A + ic * job.Lda + pc, job.Lda);
                    RunBlock<T, TK, RowMajorSource<T>, RowMajorPanelA<T>>(in job, panels, ws, ic, mc, pc, kc, j0, j1, beta);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlock<T, TK, TSrc, TA>(in GemmJob<T> job, TSrc panels, GemmWorkspace ws,
        int ic, int mc, int pc, int kc, int j0, int j1, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TK : struct, IGemmKernel<T>
        where TSrc : struct, IPanelSource<T, TA>
        where TA : struct, IPanelA<T>
    {
        int mr = TK.MR, nr = TK.NR;
        T alpha = job.Alpha;
        nint ldc = job.Ldc;
        for (int jc = j0; jc < j1; jc += job.NC)
        {
            int nc = Math.Min(job.NC, j1 - jc);
            T* bBlock;
            nint rsB;
            T* edge = null;
            int fullCols = nc;
            if (job.PackB)
            {
                bBlock = ws.PanelB<T>((long)RoundUp(nc, nr) * kc);
                T* src = job.TransB ? job.B + jc * job.Ldb + pc : job.B + pc * job.Ldb + jc;
                GemmPacking.PackB(job.TransB, src, job.Ldb, kc, nc, nr, bBlock);
                rsB = nr;
            }
            else
            {
                // Full panels read in place (row stride ldb); a ragged last panel is packed, zero-padded.
                bBlock = job.B + pc * job.Ldb + jc;
                rsB = job.Ldb;
                fullCols = TK.MaskedEdges ? nc : nc / nr * nr;
                if (fullCols < nc)
                {
                    edge = ws.PanelB<T>((long)nr * kc);
                    GemmPacking.PackB(false, bBlock + fullCols, job.Ldb, kc, nc - fullCols, nr, edge);
                }
            }
            T* cBlock = job.C + ic * ldc + jc;
            // Row tiles are balanced (64 rows = 11,11,11,11,10,10 rather than 12 x 5 + 4): a thin last
            // tile would run with too few accumulators to hide the FMA latency.
            int tiles = RowTiles(mc, mr);
            for (int t = 0; t < tiles; t++)
            {
                int ir = TileStart(t, mc, tiles);
                int rows = TileStart(t + 1, mc, tiles) - ir;
                TA a = panels.At(t, ir);
                T* cRow = cBlock + ir * ldc;
                int jr = 0;
                if (job.PackB)
                {
                    for (; jr < nc; jr += nr)
                    {
                        TK.Tile(rows, Math.Min(nr, nc - jr), kc, a, bBlock + (nint)jr * kc, nr, cRow + jr, ldc, alpha, beta);
                    }
                }
                else
                {
                    for (; jr < fullCols; jr += nr)
                    {
                        TK.Tile(rows, Math.Min(nr, fullCols - jr), kc, a, bBlock + jr, rsB, cRow + jr, ldc, alpha, beta);
                    }
                    if (edge != null)
                    {
                        TK.Tile(rows, nc - fullCols, kc, a, edge, nr, cRow + fullCols, ldc, alpha, beta);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    /// <summary>Number of row tiles of at most <paramref name="mr"/> rows covering <paramref name="rows"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int RowTiles(int rows, int mr) => (rows + mr - 1) / mr;

    /// <summary>First row of tile <paramref name="t"/> when <paramref name="rows"/> are split into <paramref name="tiles"/> near-equal tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int TileStart(int t, int rows, int tiles) => (int)((long)t * rows / tiles);
}

/// <summary>Makes the A accessor for row tile <c>tile</c>, which starts at row <c>ir</c> of the current block.</summary>
internal interface IPanelSource<T, TA> where T : unmanaged where TA : struct, IPanelA<T>
{
    TA At(int tile, int ir);
}

/// <summary>Packed A block: panel of tile t at <c>P + t*MR*kc</c>, MR-interleaved (see <see cref="GemmPacking.PackA"/>).</summary>
internal readonly unsafe struct PackedSource<T>(T* p, int kc, int mr) : IPanelSource<T, StridedPanelA<T>>
    where T : unmanaged
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public StridedPanelA<T> At(int tile, int ir) => new(p + (nint)tile * mr * kc, mr);
}

/// <summary>Transposed A read in place: op(A)(i, p) = a[p*lda + i].</summary>
internal readonly unsafe struct TransposedSource<T>(T* p, nint lda) : IPanelSource<T, StridedPanelA<T>>
    where T : unmanaged
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public StridedPanelA<T> At(int tile, int ir) => new(p + ir, lda);
}

/// <summary>Row-major A read in place: op(A)(i, p) = a[i*lda + p].</summary>
internal readonly unsafe struct RowMajorSource<T>(T* p, nint lda) : IPanelSource<T, RowMajorPanelA<T>>
    where T : unmanaged
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RowMajorPanelA<T> At(int tile, int ir) => new(p + ir * lda, lda);
}
