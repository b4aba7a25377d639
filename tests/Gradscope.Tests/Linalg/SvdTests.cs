using Gradscope.Linalg;

namespace Gradscope.Tests.Linalg;

public class SvdTests
{
    public static TheoryData<int, int> Shapes => new()
    {
        { 1, 1 }, { 1, 7 }, { 7, 1 }, { 5, 5 }, { 30, 12 }, { 12, 30 }, { 60, 60 }, { 45, 44 }, { 17, 53 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Managed(int m, int n) => AssertValidSvd(m, n, LinalgBackend.Managed);

    [LapackTheory]
    [MemberData(nameof(Shapes))]
    public void Lapack(int m, int n) => AssertValidSvd(m, n, LinalgBackend.Lapack);

    private static void AssertValidSvd(int m, int n, LinalgBackend backend)
    {
        double[] a = Dense.RandomMatrix(m, n, seed: 31 * m + n);
        int r = Math.Min(m, n);
        (double[] u, double[] s, double[] vt) = Svd.Decompose(a, m, n, backend);
        string what = $"{backend} {m}x{n}";
        Assert.Equal(m * r, u.Length);
        Assert.Equal(r, s.Length);
        Assert.Equal(r * n, vt.Length);
        for (int k = 0; k < r; k++)
        {
            Assert.True(s[k] >= 0, $"{what}: negative singular value");
            Assert.True(k == 0 || s[k - 1] >= s[k], $"{what}: not descending at {k}");
        }
        Dense.AssertOrthonormalColumns(u, m, r, 1e-12, $"{what}: U^T U = I");
        Dense.AssertOrthonormalColumns(Dense.Transpose(vt, r, n), n, r, 1e-12, $"{what}: Vt Vt^T = I");
        double[] rebuilt = Dense.Multiply(Dense.Multiply(u, Dense.Diagonal(s), m, r, r), vt, m, r, n);
        Dense.AssertClose(a, rebuilt, 1e-12, $"{what}: A = U S Vt");

        // σ_k^2 are the largest r eigenvalues of A^T A (computed independently; the Gram matrix
        // squares the condition number, so compare on the scale of σ_max^2).
        double[] gram = Dense.Multiply(Dense.Transpose(a, m, n), a, n, m, n);
        double[] eig = SymmetricEigen.EigenvaluesOnly(gram, n, backend: LinalgBackend.Managed);
        double[] top = eig.Reverse().Take(r).ToArray();
        double[] squares = s.Select(x => x * x).ToArray();
        Dense.AssertClose(top, squares, 1e-12, $"{what}: σ^2 = eig(A^T A)");
    }

    [Theory]
    [InlineData(LinalgBackend.Managed)]
    [InlineData(LinalgBackend.Auto)]
    public void RankDeficientMatrix(LinalgBackend backend)
    {
        // Rank 3 product of 20x3 and 3x15 factors.
        double[] a = Dense.Multiply(Dense.RandomMatrix(20, 3, 1), Dense.RandomMatrix(3, 15, 2), 20, 3, 15);
        (double[] u, double[] s, double[] vt) = Svd.Decompose(a, 20, 15, backend);
        Assert.True(s[2] > 1e-3);
        for (int k = 3; k < 15; k++)
        {
            Assert.True(s[k] < 1e-13 * s[0], $"σ_{k} = {s[k]}");
        }
        Dense.AssertOrthonormalColumns(u, 20, 15, 1e-12, "U");
        double[] rebuilt = Dense.Multiply(Dense.Multiply(u, Dense.Diagonal(s), 20, 15, 15), vt, 20, 15, 15);
        Dense.AssertClose(a, rebuilt, 1e-12, "A = U S Vt");
    }

    [Theory]
    [InlineData(LinalgBackend.Managed)]
    [InlineData(LinalgBackend.Auto)]
    public void KnownSingularValues(LinalgBackend backend)
    {
        // [[3, 0], [4, 5]]: A^T A = [[25, 20], [20, 25]] has eigenvalues 45 and 5.
        double[] s = Svd.SingularValues([3, 0, 4, 5], 2, 2, backend);
        Assert.Equal(Math.Sqrt(45), s[0], 1e-14);
        Assert.Equal(Math.Sqrt(5), s[1], 1e-14);
        // A matrix with prescribed singular values: U diag(σ) V^T.
        double[] sigma = [9, 4, 1, 0.25];
        double[] q1 = Qr.Orthonormalize(Dense.RandomMatrix(6, 4, 3), 6, 4);
        double[] q2 = Qr.Orthonormalize(Dense.RandomMatrix(4, 4, 4), 4, 4);
        double[] a = Dense.Multiply(Dense.Multiply(q1, Dense.Diagonal(sigma), 6, 4, 4), Dense.Transpose(q2, 4, 4), 6, 4, 4);
        Dense.AssertClose(sigma, Svd.SingularValues(a, 6, 4, backend), 1e-13, "prescribed σ");
    }

    [OpenBlasFact]
    public void BackendsAgree()
    {
        double[] a = Dense.RandomMatrix(40, 25, seed: 8);
        double[] lapack = Svd.SingularValues(a, 40, 25, LinalgBackend.Lapack);
        double[] managed = Svd.SingularValues(a, 40, 25, LinalgBackend.Managed);
        Dense.AssertClose(lapack, managed, 1e-12, "singular values");
        (double[] lu, _, _) = Svd.Decompose(a, 40, 25, LinalgBackend.Lapack);
        (double[] mu, _, _) = Svd.Decompose(a, 40, 25, LinalgBackend.Managed);
        for (int k = 0; k < 25; k++)
        {
            double dot = 0;
            for (int i = 0; i < 40; i++)
            {
                dot += lu[i * 25 + k] * mu[i * 25 + k];
            }
            Assert.Equal(1.0, Math.Abs(dot), 1e-9);
        }
    }

    [Fact]
    public void EmptyAndInvalid()
    {
        (double[] u, double[] s, double[] vt) = Svd.Decompose([], 0, 5);
        Assert.Empty(u);
        Assert.Empty(s);
        Assert.Empty(vt);
        Assert.Throws<ArgumentException>(() => Svd.Decompose([1, 2, 3], 2, 2));
        Assert.Throws<ArgumentException>(() => Svd.Decompose([1, double.PositiveInfinity], 1, 2));
    }
}
