using System.Numerics;
using FsCheck.Xunit;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Tests.Tensors;

/// <summary>
/// GEMM against a naive double-accumulated triple loop, for FsCheck-drawn transposes, sizes
/// m, n, k in 1..67 (so every ragged tile edge of the 12 x 16/32 kernels is hit), leading dimensions
/// up to 4 larger than needed, and alpha/beta including beta = 0 with C filled with NaN (C must not
/// be read). Tolerance: |C - ref| &lt;= 2 (k + 2) eps (|alpha| sum|a b| + |beta c|), i.e. ~1e-14
/// relative in float64 and ~1e-5 in float32 at k = 67 (see <see cref="GemmReference.Tolerance{T}"/>).
/// </summary>
public class GemmPropertyTests
{
    private const int MaxTests = 120;

    [Property(MaxTest = MaxTests)]
    public void ManagedFloat64MatchesNaive(bool transA, bool transB, byte m, byte n, byte k, byte pads, byte betaKind, int seed)
        => Check<double>(GemmBackend.Managed, transA, transB, m, n, k, pads, betaKind, seed);

    [Property(MaxTest = MaxTests)]
    public void ManagedFloat32MatchesNaive(bool transA, bool transB, byte m, byte n, byte k, byte pads, byte betaKind, int seed)
        => Check<float>(GemmBackend.Managed, transA, transB, m, n, k, pads, betaKind, seed);

    [OpenBlasProperty(MaxTest = MaxTests)]
    public void OpenBlasFloat64MatchesNaive(bool transA, bool transB, byte m, byte n, byte k, byte pads, byte betaKind, int seed)
        => Check<double>(GemmBackend.OpenBlas, transA, transB, m, n, k, pads, betaKind, seed);

    [OpenBlasProperty(MaxTest = MaxTests)]
    public void OpenBlasFloat32MatchesNaive(bool transA, bool transB, byte m, byte n, byte k, byte pads, byte betaKind, int seed)
        => Check<float>(GemmBackend.OpenBlas, transA, transB, m, n, k, pads, betaKind, seed);

    [Property(MaxTest = MaxTests)]
    public void AutoFloat64MatchesNaive(bool transA, bool transB, byte m, byte n, byte k, byte pads, byte betaKind, int seed)
        => Check<double>(GemmBackend.Auto, transA, transB, m, n, k, pads, betaKind, seed);

    /// <summary>
    /// The AVX-512, portable Vector&lt;T&gt; and scalar kernel families do the same FMAs in the same
    /// order, so they agree bitwise (on machines without AVX-512 this compares the other two).
    /// Matrix-vector shapes (m = 1 or n = 1) are excluded: their AVX-512 dot-product path reduces
    /// in a tree that depends on the vector width.
    /// </summary>
    [Property(MaxTest = 60)]
    public void KernelFamiliesAgreeBitwise(bool transA, bool transB, byte m, byte n, byte k, byte pads, byte betaKind, int seed)
    {
        AgreeBitwise<double>(transA, transB, m, n, k, pads, betaKind, seed);
        AgreeBitwise<float>(transA, transB, m, n, k, pads, betaKind, seed);
    }

    private static void Check<T>(GemmBackend backend, bool transA, bool transB, byte mRaw, byte nRaw, byte kRaw,
        byte pads, byte betaKind, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var p = Problem<T>.Make(transA, transB, mRaw, nRaw, kRaw, pads, betaKind, seed);
        var c = (T[])p.C.Clone();
        Gemm.Compute(backend, transA, transB, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, p.Beta, c, p.Ldc);
        var expected = GemmReference.Compute(transA, transB, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, p.Beta, p.C, p.Ldc);
        GemmReference.AssertMatches($"{backend} {typeof(T).Name} {p}", p.M, p.N, p.K, c, p.Ldc, p.C, expected);
    }

    private static unsafe void AgreeBitwise<T>(bool transA, bool transB, byte mRaw, byte nRaw, byte kRaw,
        byte pads, byte betaKind, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var p = Problem<T>.Make(transA, transB, mRaw, nRaw, kRaw, pads, betaKind, seed);
        if (p.M == 1 || p.N == 1)
        {
            return;
        }
        GemmIsa[] families = GemmManaged.ActiveIsa == GemmIsa.Vector512
            ? [GemmIsa.Vector512, GemmIsa.Vector, GemmIsa.Scalar]
            : [GemmIsa.Vector, GemmIsa.Scalar];
        T[]? first = null;
        foreach (var isa in families)
        {
            var c = (T[])p.C.Clone();
            fixed (T* pa = p.A)
            fixed (T* pb = p.B)
            fixed (T* pc = c)
            {
                GemmManaged.Compute(isa, transA, transB, p.M, p.N, p.K, p.Alpha, pa, p.Lda, pb, p.Ldb, p.Beta, pc, p.Ldc, 1);
            }
            if (first is null)
            {
                first = c;
                continue;
            }
            for (int i = 0; i < c.Length; i++)
            {
                Assert.True(first[i].Equals(c[i]), $"{isa} differs from {families[0]} at {i} for {typeof(T).Name} {p}: {c[i]} vs {first[i]}");
            }
        }
    }

    /// <summary>One random problem derived from FsCheck's draws.</summary>
    private sealed record Problem<T>(bool TransA, bool TransB, int M, int N, int K, int Lda, int Ldb, int Ldc,
        T Alpha, T Beta, T[] A, T[] B, T[] C)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Problem<T> Make(bool transA, bool transB, byte mRaw, byte nRaw, byte kRaw, byte pads, byte betaKind, int seed)
        {
            int m = 1 + mRaw % 67, n = 1 + nRaw % 67, k = 1 + kRaw % 67;
            int lda = (transA ? m : k) + pads % 5;
            int ldb = (transB ? k : n) + pads / 5 % 5;
            int ldc = n + pads / 25 % 5;
            var random = new System.Random(seed);
            var a = GemmReference.RandomArray<T>(random, (transA ? k : m) * lda);
            var b = GemmReference.RandomArray<T>(random, (transB ? n : k) * ldb);
            var c = GemmReference.RandomArray<T>(random, m * ldc);
            T alpha = T.CreateTruncating(4 * random.NextDouble() - 2);
            T beta;
            switch (betaKind % 4)
            {
                case 0:
                    // beta = 0: C is garbage that must never be read (NaN would poison any read).
                    beta = T.Zero;
                    for (int i = 0; i < m; i++)
                    {
                        Array.Fill(c, T.NaN, i * ldc, n);
                    }
                    break;
                case 1:
                    beta = T.One;
                    break;
                default:
                    beta = T.CreateTruncating(4 * random.NextDouble() - 2);
                    break;
            }
            return new Problem<T>(transA, transB, m, n, k, lda, ldb, ldc, alpha, beta, a, b, c);
        }

        public override string ToString() =>
            $"transA={TransA} transB={TransB} m={M} n={N} k={K} lda={Lda} ldb={Ldb} ldc={Ldc} alpha={Alpha} beta={Beta}";
    }
}
