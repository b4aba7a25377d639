namespace Gradscope.Linalg;

/// <summary>
/// Functions of real symmetric matrices through the eigenbasis, f(A) = V f(Λ) V^T
/// (Higham, Functions of Matrices, 2008, Ch. 1 §1.2: for a normal matrix this is the definition,
/// and the spectral route is backward stable). Inputs are row-major n x n; results are
/// returned exactly symmetric. Fractional powers serve, e.g., the Neural Feature Ansatz, where
/// the first-layer feature matrix is predicted to be AGOP^(1/L) (Radhakrishnan et al., Science 2024).
/// </summary>
public static class MatrixFunctions
{
    /// <summary>
    /// Default relative tolerance for positive semidefiniteness: eigenvalues in
    /// [-tolerance * max|λ|, 0) are treated as roundoff and clamped to 0; anything more negative
    /// means the matrix is not PSD and an <see cref="ArgumentException"/> is thrown. A backward-stable
    /// eigensolver perturbs eigenvalues by about n ε ‖A‖, far below this for any practical n;
    /// matrices assembled in float32 need a looser value (e.g. 1e-5).
    /// </summary>
    public const double DefaultPsdTolerance = 1e-9;

    /// <summary>f(A) = V diag(f(λ_i)) V^T for symmetric A. <paramref name="f"/> sees every eigenvalue.</summary>
    public static double[] Apply(ReadOnlySpan<double> a, int n, Func<double, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        (double[] values, double[] vectors) = SymmetricEigen.Decompose(a, n);
        var mapped = new double[n];
        for (int i = 0; i < n; i++)
        {
            mapped[i] = f(values[i]);
        }
        return DenseKernels.ScaledGram(vectors, mapped, n, LinalgSettings.UsesLapack());
    }

    /// <summary>
    /// The positive semidefinite square root of a PSD matrix. Eigenvalues that are negative only by
    /// roundoff (at least -<paramref name="psdTolerance"/> max|λ|) are clamped to 0 first.
    /// </summary>
    public static double[] Sqrt(ReadOnlySpan<double> a, int n, double psdTolerance = DefaultPsdTolerance) =>
        Power(a, n, 0.5, psdTolerance);

    /// <summary>A^(-1/2) of a symmetric positive definite matrix.</summary>
    public static double[] InverseSqrt(ReadOnlySpan<double> a, int n) => Power(a, n, -0.5);

    /// <summary>
    /// A^p for symmetric A, defined by V diag(λ^p) V^T:
    /// p = 0 gives the identity; a positive integer p accepts any symmetric A; a positive
    /// non-integer p needs A positive semidefinite (roundoff-negative eigenvalues clamped to 0, see
    /// <see cref="Sqrt"/>); p &lt; 0 needs A positive definite (every eigenvalue &gt; 0).
    /// </summary>
    public static double[] Power(ReadOnlySpan<double> a, int n, double p, double psdTolerance = DefaultPsdTolerance)
    {
        if (!double.IsFinite(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "Matrix power must be finite.");
        }
        (double[] values, double[] vectors) = SymmetricEigen.Decompose(a, n);
        if (p < 0)
        {
            RequirePositiveDefinite(values, $"A^{p}");
        }
        else if (p != Math.Floor(p))
        {
            ClampRoundoffNegatives(values, psdTolerance, $"A^{p}");
        }
        var mapped = new double[n];
        for (int i = 0; i < n; i++)
        {
            mapped[i] = p == 0 ? 1.0 : Math.Pow(values[i], p);
        }
        return DenseKernels.ScaledGram(vectors, mapped, n, LinalgSettings.UsesLapack());
    }

    /// <summary>The matrix exponential of a symmetric matrix.</summary>
    public static double[] Exp(ReadOnlySpan<double> a, int n) => Apply(a, n, Math.Exp);

    /// <summary>The principal logarithm of a symmetric positive definite matrix.</summary>
    public static double[] Log(ReadOnlySpan<double> a, int n)
    {
        (double[] values, double[] vectors) = SymmetricEigen.Decompose(a, n);
        RequirePositiveDefinite(values, "log(A)");
        var mapped = new double[n];
        for (int i = 0; i < n; i++)
        {
            mapped[i] = Math.Log(values[i]);
        }
        return DenseKernels.ScaledGram(vectors, mapped, n, LinalgSettings.UsesLapack());
    }

    private static void RequirePositiveDefinite(double[] ascending, string what)
    {
        if (ascending.Length > 0 && !(ascending[0] > 0))
        {
            throw new ArgumentException(
                $"{what} needs a positive definite matrix, but its smallest eigenvalue is {ascending[0]:G6}.", "a");
        }
    }

    private static void ClampRoundoffNegatives(double[] ascending, double tolerance, string what)
    {
        if (ascending.Length == 0 || ascending[0] >= 0)
        {
            return;
        }
        double scale = Math.Max(Math.Abs(ascending[0]), Math.Abs(ascending[^1]));
        if (ascending[0] < -tolerance * scale)
        {
            throw new ArgumentException(
                $"{what} needs a positive semidefinite matrix, but its smallest eigenvalue is {ascending[0]:G6} " +
                $"(below -{tolerance:G3} x max|λ| = {-tolerance * scale:G6}).", "a");
        }
        for (int i = 0; i < ascending.Length && ascending[i] < 0; i++)
        {
            ascending[i] = 0;
        }
    }
}
