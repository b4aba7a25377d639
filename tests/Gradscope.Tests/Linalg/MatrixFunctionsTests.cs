using Gradscope.Linalg;

namespace Gradscope.Tests.Linalg;

public class MatrixFunctionsTests
{
    private static double[] Mul(double[] a, double[] b, int n) => Dense.Multiply(a, b, n, n, n);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(40)]
    public void SqrtSquaresBack(int n)
    {
        double[] a = Dense.RandomSpd(n, seed: n);
        double[] s = MatrixFunctions.Sqrt(a, n);
        Dense.AssertClose(a, Mul(s, s, n), 1e-12, "Sqrt(A)^2 = A");
        // The principal root is itself positive definite.
        Assert.True(SymmetricEigen.EigenvaluesOnly(s, n)[0] > 0);
    }

    [Fact]
    public void SqrtOfRankDeficientPsdMatrixClampsRoundoff()
    {
        // G G^T with G 12 x 4 has eight eigenvalues that are zero up to roundoff (of either sign).
        const int n = 12;
        double[] g = Dense.RandomMatrix(n, 4, seed: 4);
        double[] a = Dense.Multiply(g, Dense.Transpose(g, n, 4), n, 4, n);
        double[] s = MatrixFunctions.Sqrt(a, n);
        Dense.AssertClose(a, Mul(s, s, n), 1e-12, "Sqrt(G G^T)^2");
        Assert.All(s, x => Assert.True(double.IsFinite(x)));
    }

    [Fact]
    public void SqrtRejectsIndefiniteMatrix()
    {
        var ex = Assert.Throws<ArgumentException>(() => MatrixFunctions.Sqrt([1, 0, 0, -1e-3], 2));
        Assert.Contains("positive semidefinite", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CubeRootCubesBack()
    {
        const int n = 25;
        double[] a = Dense.RandomSpd(n, seed: 3);
        double[] c = MatrixFunctions.Power(a, n, 1.0 / 3);
        Dense.AssertClose(a, Mul(Mul(c, c, n), c, n), 1e-12, "Power(A, 1/3)^3 = A");
    }

    [Theory]
    [InlineData(0.5, 0.25)]
    [InlineData(1.0 / 3, 2.0 / 3)]
    [InlineData(-0.5, 1.5)]
    [InlineData(-1.0, -0.7)]
    [InlineData(2.0, -1.0)]
    public void PowersAdd(double p, double q)
    {
        const int n = 20;
        double[] a = Dense.RandomSpd(n, seed: 11);
        double[] lhs = Mul(MatrixFunctions.Power(a, n, p), MatrixFunctions.Power(a, n, q), n);
        Dense.AssertClose(MatrixFunctions.Power(a, n, p + q), lhs, 1e-11, $"A^{p} A^{q} = A^{p + q}");
    }

    [Fact]
    public void IntegerPowersMatchProducts()
    {
        const int n = 10;
        double[] a = Dense.RandomSymmetric(n, seed: 6);   // indefinite
        Dense.AssertClose(Dense.Identity(n), MatrixFunctions.Power(a, n, 0), 1e-13, "A^0 = I");
        Dense.AssertClose(a, MatrixFunctions.Power(a, n, 1), 1e-12, "A^1 = A");
        Dense.AssertClose(Mul(a, a, n), MatrixFunctions.Power(a, n, 2), 1e-12, "A^2");
        Dense.AssertClose(Mul(Mul(a, a, n), a, n), MatrixFunctions.Power(a, n, 3), 1e-12, "A^3");
        Assert.Throws<ArgumentException>(() => MatrixFunctions.Power(a, n, -1));
        Assert.Throws<ArgumentException>(() => MatrixFunctions.Power(a, n, 0.5));
    }

    [Fact]
    public void InverseSqrtWhitens()
    {
        const int n = 15;
        double[] a = Dense.RandomSpd(n, seed: 8);
        double[] w = MatrixFunctions.InverseSqrt(a, n);
        Dense.AssertClose(Dense.Identity(n), Mul(Mul(w, a, n), w, n), 1e-12, "A^-1/2 A A^-1/2 = I");
        var ex = Assert.Throws<ArgumentException>(() => MatrixFunctions.InverseSqrt([1, 0, 0, 0], 2));
        Assert.Contains("positive definite", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpAndLogAreInverse()
    {
        const int n = 12;
        double[] a = Dense.RandomSpd(n, seed: 10);
        Dense.AssertClose(a, MatrixFunctions.Exp(MatrixFunctions.Log(a, n), n), 1e-12, "exp(log A) = A");
        double[] s = Dense.RandomSymmetric(n, seed: 10);
        for (int i = 0; i < s.Length; i++)
        {
            s[i] *= 0.3;
        }
        Dense.AssertClose(s, MatrixFunctions.Log(MatrixFunctions.Exp(s, n), n), 1e-12, "log(exp S) = S");
        Assert.Throws<ArgumentException>(() => MatrixFunctions.Log([1, 0, 0, -1], 2));
    }

    [Fact]
    public void TwoByTwoClosedForms()
    {
        // exp([[0, t], [t, 0]]) = [[cosh t, sinh t], [sinh t, cosh t]].
        const double t = 0.7;
        Dense.AssertClose([Math.Cosh(t), Math.Sinh(t), Math.Sinh(t), Math.Cosh(t)], MatrixFunctions.Exp([0, t, t, 0], 2), 1e-15, "exp");
        // sqrt([[2, 1], [1, 2]]): eigenvalues 1 and 3 on (1, -1) and (1, 1).
        double r3 = Math.Sqrt(3);
        Dense.AssertClose([(r3 + 1) / 2, (r3 - 1) / 2, (r3 - 1) / 2, (r3 + 1) / 2], MatrixFunctions.Sqrt([2, 1, 1, 2], 2), 1e-15, "sqrt");
        // log(diag(e, e^2)) = diag(1, 2).
        Dense.AssertClose([1, 0, 0, 2], MatrixFunctions.Log([Math.E, 0, 0, Math.E * Math.E], 2), 1e-15, "log");
    }

    [Fact]
    public void ApplyIdentityAndResultIsExactlySymmetric()
    {
        const int n = 30;
        double[] a = Dense.RandomSymmetric(n, seed: 12);
        double[] same = MatrixFunctions.Apply(a, n, x => x);
        Dense.AssertClose(a, same, 1e-12, "Apply(id)");
        double[] tanh = MatrixFunctions.Apply(a, n, Math.Tanh);
        Assert.Equal(tanh, Dense.Transpose(tanh, n, n));
    }

    [Fact]
    public void LargeMatrixUsesTiledProducts()
    {
        // Big enough that the products cross the managed kernel's tiles and run in parallel.
        const int n = 150;
        double[] a = Dense.RandomSpd(n, seed: 21);
        double[] s = MatrixFunctions.Sqrt(a, n);
        Dense.AssertClose(a, Mul(s, s, n), 1e-12, "Sqrt(A)^2 = A");
    }
}
