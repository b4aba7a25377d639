namespace Gradscope.Curvature;

/// <summary>
/// Eigenvalues of a small symmetric tridiagonal matrix T (the Lanczos matrix) by the implicit QL
/// method with Wilkinson shifts (Bowdler, Martin, Reinsch &amp; Wilkinson 1968, EISPACK tql2), tracking
/// only chosen rows of the eigenvector matrix Z. Lanczos needs just the last row (the residual
/// estimate |β_m z_{m,i}|, Paige 1971) and SLQ just the first (the Gauss quadrature weights
/// z_{1,i}², Golub &amp; Welsch 1969), which costs O(m²) instead of O(m³) per call — cheap enough to
/// test convergence after every Lanczos step.
/// </summary>
internal static class TridiagonalQl
{
    private const int MaxSweepsPerEigenvalue = 60;

    /// <summary>
    /// Eigenvalues of T = tridiag(<paramref name="offDiagonal"/>, <paramref name="diagonal"/>, <paramref name="offDiagonal"/>)
    /// in ascending order, and for each requested row r the entries Z[r, i] of the matching
    /// (orthonormal) eigenvectors, in the same order.
    /// </summary>
    /// <param name="diagonal">α_0..α_{m−1}.</param>
    /// <param name="offDiagonal">β_0..β_{m−2}: β_i couples i and i+1 (zero splits T into blocks).</param>
    /// <param name="rows">Row indices of Z to return.</param>
    public static (double[] Values, double[][] Rows) Eigen(ReadOnlySpan<double> diagonal, ReadOnlySpan<double> offDiagonal, ReadOnlySpan<int> rows)
    {
        int n = diagonal.Length;
        if (offDiagonal.Length != Math.Max(0, n - 1))
        {
            throw new ArgumentException($"a {n}x{n} tridiagonal matrix has {Math.Max(0, n - 1)} off-diagonal entries, got {offDiagonal.Length}");
        }
        var d = diagonal.ToArray();
        var e = new double[n];
        offDiagonal.CopyTo(e);
        var z = new double[rows.Length][];
        for (int r = 0; r < rows.Length; r++)
        {
            z[r] = new double[n];
            z[r][rows[r]] = 1;
        }
        for (int l = 0; l < n; l++)
        {
            int iter = 0, m;
            do
            {
                for (m = l; m < n - 1; m++)
                {
                    double dd = Math.Abs(d[m]) + Math.Abs(d[m + 1]);
                    if (Math.Abs(e[m]) + dd == dd)
                    {
                        break;
                    }
                }
                if (m == l)
                {
                    break;
                }
                if (iter++ == MaxSweepsPerEigenvalue)
                {
                    throw new ArithmeticException($"tridiagonal QL did not converge in {MaxSweepsPerEigenvalue} sweeps");
                }
                // Wilkinson shift from the leading 2x2 block, then chase the bulge from m up to l.
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = Hypot(g, 1);
                g = d[m] - d[l] + e[l] / (g + Math.CopySign(r, g));
                double s = 1, c = 1, p = 0;
                int i;
                for (i = m - 1; i >= l; i--)
                {
                    double f = s * e[i], b = c * e[i];
                    e[i + 1] = r = Hypot(f, g);
                    if (r == 0)
                    {
                        d[i + 1] -= p;
                        e[m] = 0;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    foreach (var row in z)
                    {
                        double t = row[i + 1];
                        row[i + 1] = s * row[i] + c * t;
                        row[i] = c * row[i] - s * t;
                    }
                }
                if (r == 0 && i >= l)
                {
                    continue;
                }
                d[l] -= p;
                e[l] = g;
                e[m] = 0;
            }
            while (m != l);
        }
        var order = Enumerable.Range(0, n).OrderBy(i => d[i]).ToArray();
        var values = order.Select(i => d[i]).ToArray();
        var sorted = z.Select(row => order.Select(i => row[i]).ToArray()).ToArray();
        return (values, sorted);
    }

    private static double Hypot(double a, double b)
    {
        double x = Math.Abs(a), y = Math.Abs(b);
        if (x < y)
        {
            (x, y) = (y, x);
        }
        if (x == 0)
        {
            return 0;
        }
        double t = y / x;
        return x * Math.Sqrt(1 + t * t);
    }
}
