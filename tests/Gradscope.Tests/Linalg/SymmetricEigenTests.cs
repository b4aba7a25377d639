using Gradscope.Linalg;

namespace Gradscope.Tests.Linalg;

public class SymmetricEigenTests
{
    private const double Tol = 1e-12;

    [Fact]
    public void ManagedDecomposesRandomMatricesOfSize1To60() => DecomposesRandomMatrices(LinalgBackend.Managed);

    [OpenBlasFact]
    public void LapackDecomposesRandomMatricesOfSize1To60() => DecomposesRandomMatrices(LinalgBackend.Lapack);

    private static void DecomposesRandomMatrices(LinalgBackend backend)
    {
        for (int n = 1; n <= 60; n++)
        {
            double[] a = Dense.RandomSymmetric(n, seed: 1000 + n);
            (double[] values, double[] vectors) = SymmetricEigen.Decompose(a, n, backend: backend);
            AssertValidDecomposition(a, n, values, vectors, $"{backend} n={n}");
        }
    }

    internal static void AssertValidDecomposition(double[] a, int n, double[] values, double[] vectors, string what)
    {
        Assert.Equal(n, values.Length);
        Assert.Equal(n * n, vectors.Length);
        for (int j = 1; j < n; j++)
        {
            Assert.True(values[j - 1] <= values[j], $"{what}: eigenvalues not ascending at {j}");
        }
        Dense.AssertOrthonormalColumns(vectors, n, n, Tol, $"{what}: V^T V = I");
        double[] rebuilt = Dense.Multiply(Dense.Multiply(vectors, Dense.Diagonal(values), n, n, n), Dense.Transpose(vectors, n, n), n, n, n);
        Dense.AssertClose(a, rebuilt, Tol, $"{what}: A = V diag(λ) V^T");
        // A v_j = λ_j v_j column by column.
        double[] av = Dense.Multiply(a, vectors, n, n, n);
        double[] vl = Dense.Multiply(vectors, Dense.Diagonal(values), n, n, n);
        Dense.AssertClose(av, vl, Tol, $"{what}: A V = V diag(λ)");
    }

    [Theory]
    [InlineData(LinalgBackend.Managed)]
    [InlineData(LinalgBackend.Auto)]
    public void RepeatedEigenvaluesStillGiveAnOrthonormalBasis(LinalgBackend backend)
    {
        double[] spectrum = [-2, 1, 1, 1, 3, 3, 7];
        int n = spectrum.Length;
        double[] a = Dense.WithSpectrum(spectrum, seed: 5);
        (double[] values, double[] vectors) = SymmetricEigen.Decompose(a, n, backend: backend);
        AssertValidDecomposition(a, n, values, vectors, $"{backend} repeated");
        Dense.AssertClose(spectrum, values, 1e-13, "spectrum");
    }

    [Theory]
    [InlineData(LinalgBackend.Managed, 2.0, 0.5, -1.0)]
    [InlineData(LinalgBackend.Auto, 2.0, 0.5, -1.0)]
    [InlineData(LinalgBackend.Managed, 1.0, 3.0, 1.0)]
    [InlineData(LinalgBackend.Auto, 0.0, 1e-8, 0.0)]
    public void TwoByTwoClosedForm(LinalgBackend backend, double p, double q, double r)
    {
        // [[p, q], [q, r]]: λ = (p + r)/2 ± sqrt(((p - r)/2)^2 + q^2).
        double mid = (p + r) / 2, radius = Math.Sqrt((p - r) * (p - r) / 4 + q * q);
        (double[] values, double[] vectors) = SymmetricEigen.Decompose([p, q, q, r], 2, backend: backend);
        Assert.Equal(mid - radius, values[0], 1e-14);
        Assert.Equal(mid + radius, values[1], 1e-14);
        // Eigenvector of λ is proportional to (q, λ - p) when q != 0.
        for (int j = 0; j < 2; j++)
        {
            double x = vectors[j], y = vectors[2 + j];
            Assert.Equal(0.0, q * y - (values[j] - p) * x, 1e-14);
        }
    }

    [Theory]
    [InlineData(LinalgBackend.Managed)]
    [InlineData(LinalgBackend.Auto)]
    public void DiagonalMatrixGivesSortedDiagonal(LinalgBackend backend)
    {
        double[] d = [3, -1, 2, 0, -5];
        (double[] values, _) = SymmetricEigen.Decompose(Dense.Diagonal(d), 5, backend: backend);
        Assert.Equal(d.Order().ToArray(), values);
    }

    [Theory]
    [InlineData(LinalgBackend.Managed)]
    [InlineData(LinalgBackend.Auto)]
    public void EigenvaluesOnlyMatchFullDecomposition(LinalgBackend backend)
    {
        const int n = 40;
        double[] a = Dense.RandomSymmetric(n, seed: 9);
        double[] full = SymmetricEigen.Decompose(a, n, backend: backend).Values;
        double[] only = SymmetricEigen.EigenvaluesOnly(a, n, backend: backend);
        Dense.AssertClose(full, only, 1e-12, "values only");
    }

    [OpenBlasFact]
    public void BackendsAgree()
    {
        const int n = 50;
        double[] a = Dense.RandomSymmetric(n, seed: 77);
        (double[] lv, double[] lV) = SymmetricEigen.Decompose(a, n, backend: LinalgBackend.Lapack);
        (double[] mv, double[] mV) = SymmetricEigen.Decompose(a, n, backend: LinalgBackend.Managed);
        Dense.AssertClose(lv, mv, 1e-12, "eigenvalues");
        // Random eigenvalues are well separated, so the eigenvectors agree up to sign.
        for (int j = 0; j < n; j++)
        {
            double dot = 0;
            for (int i = 0; i < n; i++)
            {
                dot += lV[i * n + j] * mV[i * n + j];
            }
            Assert.Equal(1.0, Math.Abs(dot), 1e-9);
        }
    }

    [Theory]
    [InlineData(200)]
    [InlineData(257)]
    public void ManagedLargerMatricesUseParallelAndVectorPaths(int n)
    {
        // Large enough for the parallel row updates and the vectorised rotation chains, with a
        // size that leaves a scalar remainder; a tight cluster and exact repeats included.
        double[] spectrum = Enumerable.Range(0, n).Select(i => i < 10 ? 1.0 : i < 20 ? 2.0 + 1e-10 * i : Math.Sin(i)).ToArray();
        double[] a = Dense.WithSpectrum(spectrum, seed: n);
        (double[] values, double[] vectors) = SymmetricEigen.Decompose(a, n, backend: LinalgBackend.Managed);
        Dense.AssertOrthonormalColumns(vectors, n, n, 1e-12, "V^T V = I");
        double[] av = Dense.Multiply(a, vectors, n, n, n);
        double[] vl = Dense.Multiply(vectors, Dense.Diagonal(values), n, n, n);
        Dense.AssertClose(av, vl, 1e-12, "A V = V diag(λ)");
        Dense.AssertClose(spectrum.Order().ToArray(), values, 1e-12, "spectrum");
    }

    [Fact]
    public void ManagedResultIsBitwiseReproducible()
    {
        const int n = 220;
        double[] a = Dense.RandomSymmetric(n, seed: 4);
        (double[] v1, double[] x1) = SymmetricEigen.Decompose(a, n, backend: LinalgBackend.Managed);
        (double[] v2, double[] x2) = SymmetricEigen.Decompose(a, n, backend: LinalgBackend.Managed);
        Assert.Equal(v1, v2);
        Assert.Equal(x1, x2);
    }

    [Fact]
    public void ManagedAgreesWithMathNet()
    {
        // Math.NET Numerics' EVD as an independent managed oracle.
        const int n = 45;
        double[] a = Dense.RandomSymmetric(n, seed: 15);
        // Symmetric, so the row-major array is also the column-major one.
        var evd = new MathNet.Numerics.LinearAlgebra.Double.DenseMatrix(n, n, (double[])a.Clone())
            .Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        double[] expected = evd.EigenValues.Select(z => z.Real).Order().ToArray();
        Dense.AssertClose(expected, SymmetricEigen.EigenvaluesOnly(a, n, backend: LinalgBackend.Managed), 1e-12, "eigenvalues");
    }

    [Fact]
    public void UsesTheSymmetricPartAndRejectsClearAsymmetry()
    {
        double eps = 1e-9;
        double[] nearly = [2, 1 + eps, 1, 2];
        double[] values = SymmetricEigen.EigenvaluesOnly(nearly, 2);
        Assert.Equal(1 + eps / 2, values[1] - 2, 1e-14);
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose([2, 1.1, 1, 2], 2));
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose([2, 1, 1, double.NaN], 2));
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose([1, 2, 3], 2));
        // A looser tolerance accepts it (symmetric part is used).
        Assert.Equal(2, SymmetricEigen.Decompose([2, 1.1, 1, 2], 2, symmetryTolerance: 0.1).Values.Length);
    }

    [Fact]
    public void EmptyMatrix()
    {
        (double[] values, double[] vectors) = SymmetricEigen.Decompose([], 0);
        Assert.Empty(values);
        Assert.Empty(vectors);
    }
}
