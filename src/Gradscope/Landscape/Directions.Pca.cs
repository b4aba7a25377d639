using System.Numerics;
using Gradscope.Linalg;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Landscape;

public static partial class Directions
{
    /// <summary>
    /// Trajectory PCA (Li et al. 2018, §7): random directions in a high-dimensional space are nearly
    /// orthogonal to an optimisation path, so the path is drawn instead on the plane of its first two
    /// principal directions. The data are the checkpoints' differences d_i = θ_i − θ_final (float64).
    /// </summary>
    /// <remarks>
    /// <para>
    /// By default the principal directions are those of the uncentred d_i (the top right singular vectors
    /// of the matrix with rows d_i): the plane then passes through θ_final, which is where the slice is
    /// centred and where the plotted path ends, and it is the plane whose least-squares reconstruction of
    /// the checkpoints is best. The explained variance of direction k is σ_k²/Σσ², the fraction of
    /// Σ‖d_i‖² it captures, so the two fractions sum to 1 exactly when the trajectory lies in a plane
    /// through θ_final. <paramref name="centered"/> = true subtracts the mean of the d_i first, as the
    /// reference code's <c>sklearn.decomposition.PCA</c> does (its <c>explained_variance_ratio_</c>).
    /// </para>
    /// <para>
    /// Computed through the m×m Gram matrix of the d_i (m checkpoints; one GEMM, then a symmetric
    /// eigendecomposition), so the cost is O(m²P) and no P×P matrix exists. The directions are
    /// re-orthonormalised in float64 and their signs fixed so that the checkpoint farthest along each
    /// has a positive coordinate. A trajectory along a line (second singular value ≤ 1e-12 of the first)
    /// has no second principal direction: Y is then a seeded Gaussian direction made orthogonal to X,
    /// with explained variance 0. A trajectory that never leaves θ_final is an error.
    /// </para>
    /// </remarks>
    public static TrajectoryPca<T> Pca<T>(IReadOnlyList<ParamSet<T>> trajectory, ParamSet<T> final, bool centered = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        ArgumentNullException.ThrowIfNull(final);
        int m = trajectory.Count;
        if (m == 0)
        {
            throw new ArgumentException("trajectory PCA needs at least one checkpoint", nameof(trajectory));
        }
        long size = final.Size;
        if (size * m > Array.MaxLength)
        {
            throw new ArgumentException($"{m} checkpoints of {size} parameters do not fit one float64 matrix", nameof(trajectory));
        }
        int n = (int)size;
        var fin = ParamMath.ToFlatDoubles(final);
        var d = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            ParamMath.CheckLike(final, trajectory[i], $"trajectory[{i}]");
            var row = d.AsSpan(i * n, n);
            ParamMath.ToFlatDoubles(trajectory[i]).CopyTo(row);
            for (int j = 0; j < n; j++)
            {
                row[j] -= fin[j];
            }
        }
        var diffs = (double[])d.Clone();
        if (centered)
        {
            Center(d, m, n);
        }
        var gram = new double[m * m];
        Gemm.Compute(GemmBackend.Managed, false, true, m, m, n, 1.0, d, n, d, n, 0.0, gram, m);
        var (values, vectors) = SymmetricEigen.Decompose(gram, m);
        double total = 0;
        foreach (var v in values)
        {
            total += Math.Max(v, 0);
        }
        if (!(total > 0))
        {
            throw new ArgumentException("trajectory PCA: every checkpoint equals the final parameters (no variance)", nameof(trajectory));
        }
        double l1 = Math.Max(values[m - 1], 0);
        double l2 = m >= 2 ? Math.Max(values[m - 2], 0) : 0;
        var x = Direction(d, vectors, m, n, m - 1);
        double[] y;
        if (l2 > 1e-12 * l1)
        {
            y = Direction(d, vectors, m, n, m - 2);
        }
        else
        {
            y = new double[n];
            Sampling.Normal(RngKey.FromSeed(0x5043_41), y.AsSpan(), 0.0, 1.0);
            l2 = 0;
        }
        Orthonormalise(x, y);
        FixSign(x, diffs, m, n);
        FixSign(y, diffs, m, n);
        var xs = ParamMath.FromFlat(final, x);
        var ys = ParamMath.FromFlat(final, y);
        var (alpha, beta) = Coordinates(ParamMath.ToFlatDoubles(xs), ParamMath.ToFlatDoubles(ys), diffs, m, n);
        return new TrajectoryPca<T>(xs, ys, [l1 / total, l2 / total], alpha, beta);
    }

    /// <summary>
    /// Least-squares coordinates (α_i, β_i) of each θ_i − θ_final on the plane spanned by x and y
    /// (the 2×2 normal equations; plain projections when x, y are orthonormal).
    /// </summary>
    internal static (double[] Alpha, double[] Beta) Coordinates(double[] x, double[] y, double[] diffs, int m, int n)
    {
        double xx = Blas1.Dot(x, x), xy = Blas1.Dot(x, y), yy = Blas1.Dot(y, y);
        double det = xx * yy - xy * xy;
        if (!(det > 0))
        {
            throw new ArgumentException("trajectory coordinates: the two directions are parallel or zero");
        }
        var alpha = new double[m];
        var beta = new double[m];
        for (int i = 0; i < m; i++)
        {
            var row = diffs.AsSpan(i * n, n);
            double bx = Blas1.Dot(x, row), by = Blas1.Dot(y, row);
            alpha[i] = (yy * bx - xy * by) / det;
            beta[i] = (xx * by - xy * bx) / det;
        }
        return (alpha, beta);
    }

    private static void Center(double[] d, int m, int n)
    {
        var mean = new double[n];
        for (int i = 0; i < m; i++)
        {
            Blas1.Axpy(1.0 / m, d.AsSpan(i * n, n), mean);
        }
        for (int i = 0; i < m; i++)
        {
            Blas1.Axpy(-1.0, mean, d.AsSpan(i * n, n));
        }
    }

    /// <summary>Dᵀu for eigenvector column <paramref name="col"/> of the Gram matrix (normalised later).</summary>
    private static double[] Direction(double[] d, double[] vectors, int m, int n, int col)
    {
        var r = new double[n];
        for (int i = 0; i < m; i++)
        {
            Blas1.Axpy(vectors[i * m + col], d.AsSpan(i * n, n), r);
        }
        return r;
    }

    private static void Orthonormalise(double[] x, double[] y)
    {
        Blas1.Scale(1 / Math.Sqrt(Blas1.Dot(x, x)), x);
        for (int pass = 0; pass < 2; pass++)
        {
            Blas1.Axpy(-Blas1.Dot(x, y), x, y);
        }
        Blas1.Scale(1 / Math.Sqrt(Blas1.Dot(y, y)), y);
    }

    private static void FixSign(double[] v, double[] diffs, int m, int n)
    {
        double best = 0;
        for (int i = 0; i < m; i++)
        {
            double c = Blas1.Dot(v, diffs.AsSpan(i * n, n));
            if (Math.Abs(c) > Math.Abs(best))
            {
                best = c;
            }
        }
        if (best < 0)
        {
            Blas1.Scale(-1, v);
        }
    }
}
