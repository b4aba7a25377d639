using Gradscope.Linalg;

namespace Gradscope.Tests.Linalg;

public class QrTests
{
    public static TheoryData<int, int> Shapes => new()
    {
        { 1, 1 }, { 1, 6 }, { 6, 1 }, { 8, 8 }, { 40, 15 }, { 15, 40 }, { 60, 60 }, { 200, 70 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Managed(int m, int n) => AssertValidQr(Dense.RandomMatrix(m, n, seed: 7 * m + n), m, n, LinalgBackend.Managed);

    [LapackTheory]
    [MemberData(nameof(Shapes))]
    public void Lapack(int m, int n) => AssertValidQr(Dense.RandomMatrix(m, n, seed: 7 * m + n), m, n, LinalgBackend.Lapack);

    private static (double[] Q, double[] R) AssertValidQr(double[] a, int m, int n, LinalgBackend backend)
    {
        int r = Math.Min(m, n);
        (double[] q, double[] rr) = Qr.Decompose(a, m, n, backend);
        string what = $"{backend} {m}x{n}";
        Assert.Equal(m * r, q.Length);
        Assert.Equal(r * n, rr.Length);
        Dense.AssertOrthonormalColumns(q, m, r, 1e-12, $"{what}: Q^T Q = I");
        for (int i = 0; i < r; i++)
        {
            Assert.True(rr[i * n + i] >= 0, $"{what}: R[{i},{i}] = {rr[i * n + i]} < 0");
            for (int j = 0; j < Math.Min(i, n); j++)
            {
                Assert.Equal(0.0, rr[i * n + j]);   // exactly zero below the diagonal
            }
        }
        Dense.AssertClose(a, Dense.Multiply(q, rr, m, r, n), 1e-12, $"{what}: A = Q R");
        return (q, rr);
    }

    [Theory]
    [InlineData(LinalgBackend.Managed)]
    [InlineData(LinalgBackend.Auto)]
    public void KnownSmallCase(LinalgBackend backend)
    {
        // [3, 4]^T = [0.6, 0.8]^T [5]; with a negative first entry the sign convention still gives R >= 0.
        (double[] q, double[] r) = Qr.Decompose([3, 4], 2, 1, backend);
        Assert.Equal(0.6, q[0], 1e-15);
        Assert.Equal(0.8, q[1], 1e-15);
        Assert.Equal(5.0, r[0], 1e-14);
        (q, r) = Qr.Decompose([-3, 4], 2, 1, backend);
        Assert.Equal(-0.6, q[0], 1e-15);
        Assert.Equal(0.8, q[1], 1e-15);
        Assert.Equal(5.0, r[0], 1e-14);
    }

    [Theory]
    [InlineData(LinalgBackend.Managed)]
    [InlineData(LinalgBackend.Auto)]
    public void RankDeficientColumnsStillGiveOrthonormalQ(LinalgBackend backend)
    {
        // Column 2 is zero and column 3 repeats column 0.
        const int m = 10, n = 5;
        double[] a = Dense.RandomMatrix(m, n, seed: 3);
        for (int i = 0; i < m; i++)
        {
            a[i * n + 2] = 0;
            a[i * n + 3] = a[i * n + 0];
        }
        (_, double[] r) = AssertValidQr(a, m, n, backend);
        Assert.Equal(0.0, r[2 * n + 2], 1e-13);
        Assert.Equal(0.0, r[3 * n + 3], 1e-13);
    }

    [OpenBlasFact]
    public void BackendsAgree()
    {
        // With full column rank and diag(R) > 0 the thin QR is unique, so both backends must match.
        const int m = 50, n = 20;
        double[] a = Dense.RandomMatrix(m, n, seed: 12);
        (double[] lq, double[] lr) = Qr.Decompose(a, m, n, LinalgBackend.Lapack);
        (double[] mq, double[] mr) = Qr.Decompose(a, m, n, LinalgBackend.Managed);
        Dense.AssertClose(lq, mq, 1e-12, "Q");
        Dense.AssertClose(lr, mr, 1e-12, "R");
    }

    [Fact]
    public void OrthonormalizeReturnsQ()
    {
        double[] a = Dense.RandomMatrix(9, 4, seed: 2);
        Assert.Equal(Qr.Decompose(a, 9, 4).Q, Qr.Orthonormalize(a, 9, 4));
    }
}
