using System.Numerics;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Tests.Tensors;

/// <summary>
/// GEMM contracts beyond the random small cases of <see cref="GemmPropertyTests"/>: degenerate
/// sizes, argument validation, the threaded path (bitwise equal to the serial one), k blocking,
/// strided batches with broadcasting, and backend parsing.
/// </summary>
public class GemmTests
{
    // ---- degenerate sizes -------------------------------------------------------------------

    [Fact]
    public void EmptyOutputLeavesCUntouched()
    {
        var c = new[] { 1.0, 2.0, 3.0 };
        Gemm.Compute(false, false, 0, 3, 4, 1.0, [], 4, new double[12], 3, 0.0, c, 3);
        Gemm.Compute(false, false, 1, 0, 4, 1.0, new double[4], 4, [], 1, 0.0, c, 3);
        Assert.Equal([1.0, 2.0, 3.0], c);
    }

    [Theory]
    [InlineData(GemmBackend.Managed)]
    [InlineData(GemmBackend.Auto)]
    public void ZeroDepthScalesCByBetaAndZeroBetaOverwritesNaN(GemmBackend backend)
    {
        var c = new[] { 1.0, -2.0, 3.0, 99.0, 4.0, 5.0, 6.0, 99.0 };
        Gemm.Compute(backend, false, false, 2, 3, 0, 1.0, [], 1, [], 3, 2.0, c, 4);
        Assert.Equal([2.0, -4.0, 6.0, 99.0, 8.0, 10.0, 12.0, 99.0], c);

        var nan = new[] { double.NaN, double.NaN, double.NaN, 7.0 };
        Gemm.Compute(backend, false, false, 1, 3, 0, 1.0, [], 1, [], 3, 0.0, nan, 4);
        Assert.Equal([0.0, 0.0, 0.0, 7.0], nan);
    }

    [Fact]
    public void ZeroAlphaDoesNotReadAOrB()
    {
        var a = new[] { double.NaN, double.NaN };
        var b = new[] { double.PositiveInfinity, double.NaN };
        var c = new[] { 3.0, 4.0 };
        Gemm.Compute(GemmBackend.Managed, false, false, 1, 2, 1, 0.0, a, 1, b, 2, 0.5, c, 2);
        Assert.Equal([1.5, 2.0], c);
    }

    [Fact]
    public void OneByOneByOne()
    {
        var c = new[] { 10f };
        Gemm.Compute(GemmBackend.Managed, false, false, 1, 1, 1, 2f, [3f], 1, [4f], 1, 0.5f, c, 1);
        Assert.Equal(29f, c[0]);
    }

    // ---- validation ------------------------------------------------------------------------

    [Fact]
    public void ShortSpansAreRejectedByName()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Compute(false, false, 2, 2, 2, 1.0, new double[3], 2, new double[4], 2, 0.0, new double[4], 2));
        Assert.Equal("a", e.ParamName);
        e = Assert.Throws<ArgumentException>(() =>
            Gemm.Compute(false, true, 2, 3, 2, 1.0, new double[4], 2, new double[5], 2, 0.0, new double[6], 3));
        Assert.Equal("b", e.ParamName);
        e = Assert.Throws<ArgumentException>(() =>
            Gemm.Compute(false, false, 2, 2, 2, 1.0, new double[4], 2, new double[4], 2, 0.0, new double[4], 3));
        Assert.Equal("c", e.ParamName);
    }

    [Fact]
    public void SmallLeadingDimensionsAndNegativeSizesAreRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Compute(false, false, 2, 2, 3, 1.0, new double[6], 2, new double[6], 2, 0.0, new double[4], 2));
        Assert.Equal("lda", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Compute(true, false, 3, 2, 2, 1.0, new double[6], 2, new double[4], 2, 0.0, new double[6], 2));
        Assert.Equal("lda", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Compute(false, false, -1, 2, 2, 1.0, new double[4], 2, new double[4], 2, 0.0, new double[4], 2));
        Assert.Equal("m", e.ParamName);
    }

    [Fact]
    public void OnlyDoubleAndFloatAreSupported()
    {
        Assert.Throws<NotSupportedException>(() =>
            Gemm.Compute(false, false, 1, 1, 1, Half.One, [Half.One], 1, [Half.One], 1, Half.Zero, new Half[1], 1));
    }

    // ---- large sizes and threads -------------------------------------------------------------

    /// <summary>
    /// Large, ragged products run on several threads (split over output tiles; rows when m is
    /// large, columns when m is small) and must equal the forced single-threaded run bit for bit,
    /// for all four transpose combinations and both dtypes; one combination is also checked
    /// against the naive oracle. k = 600 spans several k blocks, so beta is applied once and
    /// later blocks accumulate.
    /// </summary>
    [Theory]
    [InlineData(300, 257, 129)]
    [InlineData(20, 1000, 100)]
    [InlineData(97, 130, 600)]
    public void ThreadedEqualsSerialBitwise(int m, int n, int k)
    {
        Assert.True((long)m * n * k >= GemmManaged.ParallelThreshold, "the case must take the threaded path");
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                ThreadedEqualsSerial<double>(m, n, k, transA, transB, checkOracle: !transA && transB);
                ThreadedEqualsSerial<float>(m, n, k, transA, transB, checkOracle: transA && !transB);
            }
        }
    }

    private static unsafe void ThreadedEqualsSerial<T>(int m, int n, int k, bool transA, bool transB, bool checkOracle,
        int ldcPad = 5)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new System.Random(m * 31 + n * 7 + k);
        int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + ldcPad;
        var a = GemmReference.RandomArray<T>(random, (transA ? k : m) * lda);
        var b = GemmReference.RandomArray<T>(random, (transB ? n : k) * ldb);
        var c0 = GemmReference.RandomArray<T>(random, m * ldc);
        T alpha = T.CreateTruncating(0.75), beta = T.CreateTruncating(-0.5);
        var serial = (T[])c0.Clone();
        var threaded = (T[])c0.Clone();
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* ps = serial)
        fixed (T* pt = threaded)
        {
            GemmManaged.Compute(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, ps, ldc, maxThreads: 1);
            GemmManaged.Compute(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pt, ldc, maxThreads: 4);
        }
        for (int i = 0; i < serial.Length; i++)
        {
            Assert.True(serial[i].Equals(threaded[i]),
                $"{typeof(T).Name} transA={transA} transB={transB} {m}x{n}x{k}: element {i} serial {serial[i]} threaded {threaded[i]}");
        }
        if (checkOracle)
        {
            var expected = GemmReference.Compute(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
            GemmReference.AssertMatches($"{typeof(T).Name} {m}x{n}x{k}", m, n, k, serial, ldc, c0, expected);
        }
    }

    [Fact]
    public void PublicComputeEqualsSingleThreadedManagedBitwise()
    {
        const int m = 200, n = 190, k = 180;
        var random = new System.Random(3);
        var a = GemmReference.RandomArray<double>(random, m * k);
        var b = GemmReference.RandomArray<double>(random, k * n);
        var viaPublic = new double[m * n];
        var serial = new double[m * n];
        Gemm.Compute(GemmBackend.Managed, false, false, m, n, k, 1.0, a, k, b, n, 0.0, viaPublic, n);
        unsafe
        {
            fixed (double* pa = a, pb = b, pc = serial)
            {
                GemmManaged.Compute(false, false, m, n, k, 1.0, pa, k, pb, n, 0.0, pc, n, maxThreads: 1);
            }
        }
        Assert.Equal(serial, viaPublic);
    }

    /// <summary>
    /// Small products (single-threaded) allocate nothing once a thread's packing buffers exist:
    /// 256 samples x 8 wide (NT, B packed) and 32^3 (NN, nothing packed), and a transposed GEMV.
    /// </summary>
    [Fact]
    public void SmallProductsDoNotAllocate()
    {
        var x = new double[256 * 8];
        var w = new double[8 * 8];
        var y = new double[256 * 8];
        var a = new float[32 * 32];
        var c = new float[32 * 32];
        var v = new double[256];
        void Calls()
        {
            Gemm.Compute(GemmBackend.Managed, false, true, 256, 8, 8, 1.0, x, 8, w, 8, 0.0, y, 8);
            Gemm.Compute(GemmBackend.Managed, false, false, 32, 32, 32, 1f, a, 32, a, 32, 0.5f, c, 32);
            Gemm.Compute(GemmBackend.Managed, true, false, 8, 1, 256, 1.0, x, 8, v, 1, 0.0, w, 1);
        }
        Assert.True(256L * 8 * 8 < GemmManaged.ParallelThreshold, "the cases must stay single-threaded");
        Calls();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            Calls();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // ---- matrix-vector shapes ---------------------------------------------------------------------

    /// <summary>
    /// m = 1 or n = 1 take the dot-product / vector-times-matrix path when the layout allows
    /// (and the tile kernels otherwise): every transpose combination, padded leading dimensions,
    /// ldc = 1 and ldc &gt; 1, beta = 0 over NaN and beta != 0, k with and without a vector tail.
    /// </summary>
    [Theory]
    [InlineData(37, 1, 53)]
    [InlineData(1, 45, 70)]
    [InlineData(1, 1, 33)]
    [InlineData(200, 1, 16)]
    [InlineData(1, 130, 7)]
    public void MatrixVectorShapesMatchOracle(int m, int n, int k)
    {
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                foreach (int ldcPad in new[] { 0, 2 })
                {
                    foreach (int lPad in new[] { 0, 3 })
                    {
                        MatrixVector<double>(m, n, k, transA, transB, ldcPad, lPad, betaZero: ldcPad == 0);
                        MatrixVector<float>(m, n, k, transA, transB, ldcPad, lPad, betaZero: ldcPad != 0);
                    }
                }
            }
        }
    }

    private static void MatrixVector<T>(int m, int n, int k, bool transA, bool transB, int ldcPad, int lPad, bool betaZero)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new System.Random(m + 3 * n + 7 * k + ldcPad + lPad);
        int lda = (transA ? m : k) + lPad, ldb = (transB ? k : n) + lPad, ldc = n + ldcPad;
        var a = GemmReference.RandomArray<T>(random, (transA ? k : m) * lda);
        var b = GemmReference.RandomArray<T>(random, (transB ? n : k) * ldb);
        var c0 = GemmReference.RandomArray<T>(random, m * ldc);
        T beta = betaZero ? T.Zero : T.CreateTruncating(0.5);
        var c = (T[])c0.Clone();
        if (betaZero)
        {
            for (int i = 0; i < m; i++)
            {
                Array.Fill(c, T.NaN, i * ldc, n);
            }
        }
        Gemm.Compute(GemmBackend.Managed, transA, transB, m, n, k, T.CreateTruncating(-1.25), a, lda, b, ldb, beta, c, ldc);
        var expected = GemmReference.Compute(transA, transB, m, n, k, T.CreateTruncating(-1.25), a, lda, b, ldb, beta, c0, ldc);
        GemmReference.AssertMatches($"{typeof(T).Name} {m}x{n}x{k} transA={transA} transB={transB} ldc={ldc} lda={lda} ldb={ldb}",
            m, n, k, c, ldc, c0, expected);
    }

    [Theory]
    [InlineData(3000, 1, 500, false, true)]
    [InlineData(1, 3000, 500, false, false)]
    [InlineData(1, 3000, 500, false, true)]
    [InlineData(3000, 1, 500, true, false)]
    public void ThreadedMatrixVectorEqualsSerialBitwise(int m, int n, int k, bool transA, bool transB)
    {
        ThreadedEqualsSerial<double>(m, n, k, transA, transB, checkOracle: true, ldcPad: 0);
        ThreadedEqualsSerial<float>(m, n, k, transA, transB, checkOracle: false, ldcPad: 0);
    }

    // ---- batched -------------------------------------------------------------------------------

    [Theory]
    [InlineData(false, false, 5, 7, 9, 4)]
    [InlineData(true, false, 13, 17, 3, 3)]
    [InlineData(false, true, 16, 16, 16, 300)]  // many small products: the batch-parallel path
    [InlineData(true, true, 40, 33, 70, 2)]
    public void BatchedEqualsLoopOfSingleProducts(bool transA, bool transB, int m, int n, int k, int batch)
    {
        foreach (var (broadcastA, broadcastB) in new[] { (false, false), (true, false), (false, true) })
        {
            var random = new System.Random(batch + m);
            int lda = (transA ? m : k) + 1, ldb = (transB ? k : n) + 2, ldc = n + 1;
            long sizeA = (long)(transA ? k : m) * lda, sizeB = (long)(transB ? n : k) * ldb, sizeC = (long)m * ldc;
            long strideA = broadcastA ? 0 : sizeA + 3, strideB = broadcastB ? 0 : sizeB, strideC = sizeC + 2;
            var a = GemmReference.RandomArray<double>(random, (int)(strideA * (batch - 1) + sizeA));
            var b = GemmReference.RandomArray<double>(random, (int)(strideB * (batch - 1) + sizeB));
            var c0 = GemmReference.RandomArray<double>(random, (int)(strideC * (batch - 1) + sizeC));
            var batched = (double[])c0.Clone();
            var looped = (double[])c0.Clone();
            Gemm.ComputeBatched(GemmBackend.Managed, transA, transB, m, n, k, 1.5, a, lda, strideA, b, ldb, strideB,
                0.25, batched, ldc, strideC, batch);
            for (int i = 0; i < batch; i++)
            {
                Gemm.Compute(GemmBackend.Managed, transA, transB, m, n, k, 1.5,
                    a.AsSpan((int)(i * strideA)), lda, b.AsSpan((int)(i * strideB)), ldb,
                    0.25, looped.AsSpan((int)(i * strideC)), ldc);
            }
            Assert.Equal(looped, batched);
        }
    }

    [Fact]
    public void BatchedWithBroadcastMatchesOracle()
    {
        // Three different A_i times one shared B (stride 0), the usual "batch of inputs times a weight".
        const int m = 4, n = 5, k = 6, batch = 3;
        var random = new System.Random(11);
        var a = GemmReference.RandomArray<double>(random, batch * m * k);
        var b = GemmReference.RandomArray<double>(random, k * n);
        var c = new double[batch * m * n];
        Gemm.ComputeBatched(false, false, m, n, k, 1.0, a, k, m * k, b, n, 0, 0.0, c, n, m * n, batch);
        for (int i = 0; i < batch; i++)
        {
            var expected = GemmReference.Compute(false, false, m, n, k, 1.0, a[(i * m * k)..], k, b, n, 0.0, new double[m * n], n);
            GemmReference.AssertMatches($"batch {i}", m, n, k, c[(i * m * n)..((i + 1) * m * n)], n, new double[m * n], expected);
        }
    }

    [Fact]
    public void BatchedValidatesStridesAndLengths()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.ComputeBatched(false, false, 2, 2, 2, 1.0, new double[8], 2, 4, new double[4], 2, 0, 0.0, new double[8], 2, 0, 2));
        Assert.Equal("strideC", e.ParamName);
        e = Assert.Throws<ArgumentException>(() =>
            Gemm.ComputeBatched(false, false, 2, 2, 2, 1.0, new double[8], 2, 4, new double[7], 2, 4, 0.0, new double[8], 2, 4, 2));
        Assert.Equal("b", e.ParamName);
        // batch = 0 is a no-op whatever the spans.
        Gemm.ComputeBatched(false, false, 2, 2, 2, 1.0, [], 2, 4, [], 2, 4, 0.0, [], 2, 4, 0);
    }

    // ---- backends ------------------------------------------------------------------------------

    [Theory]
    [InlineData("auto", GemmBackend.Auto)]
    [InlineData("Managed", GemmBackend.Managed)]
    [InlineData(" OPENBLAS ", GemmBackend.OpenBlas)]
    public void BackendNamesParse(string text, GemmBackend expected)
    {
        Assert.True(Gemm.TryParseBackend(text, out var backend));
        Assert.Equal(expected, backend);
        Assert.Equal(text.Trim().ToLowerInvariant(), Gemm.BackendName(backend));
    }

    [Fact]
    public void UnknownBackendNameIsRejected()
    {
        Assert.False(Gemm.TryParseBackend("mkl", out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Backend = (GemmBackend)42);
    }

    [OpenBlasFact]
    public void OpenBlasAndManagedAgreeOnALargeProduct()
    {
        const int m = 150, n = 170, k = 310;
        var random = new System.Random(5);
        var a = GemmReference.RandomArray<float>(random, k * m);
        var b = GemmReference.RandomArray<float>(random, n * k);
        var c0 = GemmReference.RandomArray<float>(random, m * n);
        var managed = (float[])c0.Clone();
        var openBlas = (float[])c0.Clone();
        Gemm.Compute(GemmBackend.Managed, true, true, m, n, k, 0.5f, a, m, b, k, 2f, managed, n);
        Gemm.Compute(GemmBackend.OpenBlas, true, true, m, n, k, 0.5f, a, m, b, k, 2f, openBlas, n);
        var expected = GemmReference.Compute(true, true, m, n, k, 0.5f, a, m, b, k, 2f, c0, n);
        GemmReference.AssertMatches("managed", m, n, k, managed, n, c0, expected);
        GemmReference.AssertMatches("openblas", m, n, k, openBlas, n, c0, expected);
    }
}
