using System.Runtime.InteropServices;
using Gradscope.Linalg;
using Gradscope.Random;

namespace Gradscope.Curvature;

/// <summary>
/// Extreme eigenpairs of a symmetric operator by the Lanczos method (Lanczos 1950) with full
/// reorthogonalisation. Lanczos builds an orthonormal basis Q_m of the Krylov space
/// span{q, Aq, …, A^{m−1}q} in which A is tridiagonal, T_m = Q_mᵀ A Q_m; the eigenvalues of the small
/// T_m (Ritz values) converge to the extreme eigenvalues of A much faster than power iteration
/// (Kaniel–Paige–Saad bounds), which is why it is the standard way to measure the top of a
/// network's Hessian spectrum (Ghorbani, Krishnan &amp; Xiao 2019; Yao et al. 2020, PyHessian).
/// </summary>
/// <remarks>
/// <para>
/// In floating point the plain three-term recurrence loses orthogonality once a Ritz pair converges
/// and produces spurious copies of it (Paige 1971, 1976); here every new vector is orthogonalised
/// against the whole basis twice, so Q stays orthonormal to working precision. The price is O(m·n)
/// memory and work per step, negligible next to a Hessian-vector product for the m (≤ a few hundred)
/// used in practice. There are no restarts: the basis grows until the k wanted Ritz pairs pass the
/// residual test or <see cref="LanczosOptions.MaxIterations"/> is reached.
/// </para>
/// <para>
/// Stopping test: the Lanczos residual estimate ‖A y_i − θ_i y_i‖ = |β_m · s_{m,i}| (s_i the
/// eigenvector of T_m; exact in exact arithmetic and accurate with full reorthogonalisation) must be
/// at most Tolerance·max(|θ_i|, 1e-8·‖T_m‖) for each wanted pair; it is checked after every step, at
/// O(m²) cost. The <see cref="EigenResult.Residuals"/> reported are instead TRUE residuals, from one
/// extra application of the operator per returned vector (counted in <see cref="EigenResult.Applications"/>).
/// <see cref="EigenResult.Converged"/> reports the estimate-based test, or true when the basis spans
/// the whole space (then T_m is similar to A and the Ritz pairs are exact up to rounding).
/// </para>
/// <para>
/// Breakdown (β ≈ 0) means the Krylov space is an invariant subspace: its Ritz pairs are exact
/// eigenpairs, but a single start vector cannot see eigenvalues outside it — in particular repeated
/// eigenvalues, common in Hessians of networks with symmetries, dead units or low rank, appear only
/// once per Krylov space. The iteration then continues from a fresh random vector orthogonal to the
/// basis (T_m gets a zero off-diagonal entry). A block that closes after growing from a random vector
/// holds every distinct eigenvalue of the part of the space it started in, so the search stops there
/// only when no further copy could change the k wanted values (see <c>Settles</c>); after a restart, a
/// still-open newest block must also have converged its extreme Ritz pair (the extreme eigenvalue of
/// the unexplored part). A warm start's closed block proves nothing about the rest and always restarts.
/// Copies of an eigenvalue are still invisible to a block that has not closed — the inherent limit of
/// a single-vector method; ask for a larger k, or check <see cref="DenseHessian"/> on small models.
/// </para>
/// <para>
/// A non-finite value from the operator ends the iteration: the result then has NaN values and
/// <c>Converged = false</c>.
/// </para>
/// </remarks>
public static class Lanczos
{
    /// <summary>β ≤ this·‖T‖ is treated as an invariant subspace (exact breakdown up to rounding).</summary>
    internal const double BreakdownTolerance = 1e-10;

    /// <summary>Eigenvalues below this fraction of ‖T‖ are measured against it rather than against themselves.</summary>
    internal const double ZeroFloor = 1e-8;

    /// <summary>The k largest (algebraic) eigenpairs, descending.</summary>
    public static EigenResult Top(ILinearOperator op, int k, LanczosOptions? options = null) =>
        Solve(op, k, options ?? new LanczosOptions(), largest: true);

    /// <summary>The k smallest (algebraic) eigenpairs, ascending: the most negative curvature first.</summary>
    public static EigenResult Bottom(ILinearOperator op, int k, LanczosOptions? options = null) =>
        Solve(op, k, options ?? new LanczosOptions(), largest: false);

    /// <summary>
    /// The m-step Lanczos tridiagonal T_m (diagonal α, off-diagonal β, β.Length = α.Length − 1) from
    /// <paramref name="start"/> (normalised here), with full reorthogonalisation: the building block of
    /// stochastic Lanczos quadrature. If the Krylov space becomes invariant before
    /// <paramref name="steps"/> steps, T is returned at that size: its Gauss quadrature is then exact.
    /// Exactly α.Length applications of the operator are made.
    /// </summary>
    public static (double[] Alpha, double[] Beta) Tridiagonal(ILinearOperator op, ReadOnlySpan<double> start, int steps)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        int n = op.Dimension;
        steps = Math.Min(steps, n);
        var basis = new List<double[]> { UnitStart(start, n, nameof(start)) };
        var alpha = new List<double>(steps);
        var beta = new List<double>(steps);
        double scale = 0;
        for (int j = 0; j < steps; j++)
        {
            var w = new double[n];
            op.Apply(basis[j], w);
            double a = Blas1.Dot(basis[j], w);
            alpha.Add(a);
            if (j == steps - 1)
            {
                break;
            }
            KrylovVectors.Orthogonalise(basis, w);
            double b = KrylovVectors.Norm(w);
            if (!double.IsFinite(a) || !double.IsFinite(b))
            {
                throw new ArithmeticException("lanczos: the operator produced a non-finite value");
            }
            scale = Math.Max(scale, Math.Max(Math.Abs(a), b));
            if (b <= BreakdownTolerance * scale)
            {
                break;
            }
            Blas1.Scale(1 / b, w);
            beta.Add(b);
            basis.Add(w);
        }
        return ([.. alpha], [.. beta]);
    }

    private static EigenResult Solve(ILinearOperator op, int k, LanczosOptions o, bool largest)
    {
        ArgumentNullException.ThrowIfNull(op);
        int n = op.Dimension;
        if (k < 1 || k > n)
        {
            throw new ArgumentException($"lanczos: {k} eigenpairs requested of an operator of dimension {n}", nameof(k));
        }
        if (!(o.Tolerance > 0))
        {
            throw new ArgumentException($"lanczos: tolerance must be positive, got {o.Tolerance}", nameof(o));
        }
        if (o.MaxIterations < k)
        {
            throw new ArgumentException($"lanczos: MaxIterations = {o.MaxIterations} is smaller than k = {k}", nameof(o));
        }
        int mMax = Math.Min(o.MaxIterations, n);
        var key = new RngKey(o.Seed);
        var basis = new List<double[]>
        {
            o.Start is null ? KrylovVectors.RandomUnit(key, n) : UnitStart(o.Start, n, nameof(LanczosOptions.Start)),
        };
        var alpha = new List<double>();
        var beta = new List<double>();   // beta[j] couples q_j and q_{j+1}; 0 where a restart began a new block
        int blockStart = 0, restarts = 0, apps = 0;
        double scale = 0;
        bool converged = false;
        while (true)
        {
            int j = alpha.Count;
            var w = new double[n];
            op.Apply(basis[j], w);
            apps++;
            double a = Blas1.Dot(basis[j], w);
            KrylovVectors.Orthogonalise(basis, w);
            double b = KrylovVectors.Norm(w);
            if (!double.IsFinite(a) || !double.IsFinite(b))
            {
                return Failed(n, k, apps, alpha.Count + 1);
            }
            alpha.Add(a);
            scale = Math.Max(scale, Math.Max(Math.Abs(a), b));
            int m = alpha.Count;
            bool full = m == n;
            bool breakdown = b <= BreakdownTolerance * scale;
            if (full)
            {
                converged = true;
                break;
            }
            if (m >= k && (breakdown
                    ? (blockStart > 0 || o.Start is null) && Settles(alpha, beta, blockStart, k, largest, o.Tolerance, scale)
                    : Passes(alpha, beta, b, blockStart, k, largest, o.Tolerance, scale)))
            {
                converged = true;
                break;
            }
            if (m == mMax)
            {
                break;
            }
            if (breakdown)
            {
                var fresh = KrylovVectors.RandomUnit(key.Fold((ulong)++restarts), n);
                KrylovVectors.Orthogonalise(basis, fresh);
                double fn = KrylovVectors.Norm(fresh);
                if (fn <= 1e-8)
                {
                    // Numerically the basis already spans the space.
                    converged = true;
                    break;
                }
                Blas1.Scale(1 / fn, fresh);
                beta.Add(0);
                basis.Add(fresh);
                blockStart = m;
            }
            else
            {
                Blas1.Scale(1 / b, w);
                beta.Add(b);
                basis.Add(w);
            }
        }
        return Finish(op, basis, alpha, beta, k, largest, apps, converged);
    }

    /// <summary>
    /// The stopping test on T_m: each wanted Ritz pair's estimate |β_m s_{m,i}| ≤ tol·max(|θ_i|, floor),
    /// and after a restart the newest block's extreme Ritz pair too.
    /// </summary>
    private static bool Passes(List<double> alpha, List<double> beta, double betaM, int blockStart, int k, bool largest, double tol, double scale)
    {
        int m = alpha.Count;
        double floor = ZeroFloor * scale;
        var (values, rows) = TridiagonalQl.Eigen(
            CollectionsMarshal.AsSpan(alpha),
            CollectionsMarshal.AsSpan(beta), [m - 1]);
        for (int w = 0; w < k; w++)
        {
            int i = largest ? m - 1 - w : w;
            if (Math.Abs(betaM * rows[0][i]) > tol * Math.Max(Math.Abs(values[i]), floor))
            {
                return false;
            }
        }
        if (blockStart > 0)
        {
            var a = CollectionsMarshal.AsSpan(alpha)[blockStart..];
            var b = CollectionsMarshal.AsSpan(beta)[blockStart..];
            var (bv, br) = TridiagonalQl.Eigen(a, b, [a.Length - 1]);
            int i = largest ? bv.Length - 1 : 0;
            if (Math.Abs(betaM * br[0][i]) > tol * Math.Max(Math.Abs(bv[i]), floor))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// After the newest block closed (breakdown): the Ritz values of T are exact eigenvalues, and
    /// since that block grew from a random vector in the complement C of the earlier blocks, it holds
    /// every distinct eigenvalue of C; what is still unexplored lies in C and so has no eigenvalue beyond
    /// the block's extreme one. The wanted values are settled unless that extreme is strictly beyond the
    /// k-th wanted value (then a further copy of it may hide in the unexplored part: restart).
    /// </summary>
    private static bool Settles(List<double> alpha, List<double> beta, int blockStart, int k, bool largest, double tol, double scale)
    {
        int m = alpha.Count;
        var values = TridiagonalQl.Eigen(CollectionsMarshal.AsSpan(alpha), CollectionsMarshal.AsSpan(beta), []).Values;
        double kth = largest ? values[m - k] : values[k - 1];
        var block = TridiagonalQl.Eigen(CollectionsMarshal.AsSpan(alpha)[blockStart..], CollectionsMarshal.AsSpan(beta)[blockStart..], []).Values;
        double extreme = largest ? block[^1] : block[0];
        double slack = tol * Math.Max(Math.Abs(kth), ZeroFloor * scale);
        return largest ? extreme <= kth + slack : extreme >= kth - slack;
    }

    /// <summary>Ritz vectors y_i = Q s_i of the wanted pairs and their true residuals (one application each).</summary>
    private static EigenResult Finish(ILinearOperator op, List<double[]> basis, List<double> alpha, List<double> beta, int k, bool largest, int apps, bool converged)
    {
        int m = alpha.Count, n = op.Dimension;
        var allRows = Enumerable.Range(0, m).ToArray();
        var (values, z) = TridiagonalQl.Eigen(
            CollectionsMarshal.AsSpan(alpha),
            CollectionsMarshal.AsSpan(beta), allRows);
        int count = Math.Min(k, m);
        var outValues = new double[count];
        var vectors = new double[count][];
        var residuals = new double[count];
        var av = new double[n];
        for (int w = 0; w < count; w++)
        {
            int i = largest ? m - 1 - w : w;
            var y = new double[n];
            for (int j = 0; j < m; j++)
            {
                Blas1.Axpy(z[j][i], basis[j], y);
            }
            Blas1.Scale(1 / KrylovVectors.Norm(y), y);
            op.Apply(y, av);
            apps++;
            Blas1.Axpy(-values[i], y, av);
            outValues[w] = values[i];
            vectors[w] = y;
            residuals[w] = KrylovVectors.Norm(av);
        }
        return new EigenResult(outValues, vectors, residuals, apps, converged && count == k) { Iterations = m };
    }

    private static EigenResult Failed(int n, int k, int apps, int iterations)
    {
        var nan = Enumerable.Repeat(double.NaN, k).ToArray();
        var vectors = Enumerable.Range(0, k).Select(_ => Enumerable.Repeat(double.NaN, n).ToArray()).ToArray();
        return new EigenResult(nan, vectors, (double[])nan.Clone(), apps, false) { Iterations = iterations };
    }

    private static double[] UnitStart(ReadOnlySpan<double> start, int n, string name)
    {
        if (start.Length != n)
        {
            throw new ArgumentException($"lanczos: start vector of length {start.Length} for an operator of dimension {n}", name);
        }
        var q = start.ToArray();
        double norm = KrylovVectors.Norm(q);
        if (!(norm > 0) || !double.IsFinite(norm))
        {
            throw new ArgumentException("lanczos: the start vector must be finite and nonzero", name);
        }
        Blas1.Scale(1 / norm, q);
        return q;
    }
}
