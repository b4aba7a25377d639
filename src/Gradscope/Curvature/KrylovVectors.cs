using Gradscope.Linalg;
using Gradscope.Random;

namespace Gradscope.Curvature;

/// <summary>Dense float64 vector helpers shared by the Krylov and stochastic-trace methods.</summary>
internal static class KrylovVectors
{
    public static void CheckLengths(int n, ReadOnlySpan<double> v, Span<double> result)
    {
        if (v.Length != n || result.Length != n)
        {
            throw new ArgumentException($"operator of dimension {n} applied to a vector of length {v.Length} into one of length {result.Length}");
        }
    }

    public static double Norm(ReadOnlySpan<double> x) => Math.Sqrt(Blas1.Dot(x, x));

    /// <summary>
    /// A Rademacher vector (entries ±1 with probability ½ each) from <paramref name="key"/>: the
    /// probe distribution of Hutchinson (1989), which has the smallest variance of zᵀAz among
    /// i.i.d. probes with E[zzᵀ] = I (Var = 2 Σ_{i≠j} A_ij²).
    /// </summary>
    public static double[] Rademacher(RngKey key, int n)
    {
        var z = new double[n];
        Sampling.Bernoulli(key, z.AsSpan(), 0.5);
        for (int i = 0; i < n; i++)
        {
            z[i] = 2 * z[i] - 1;
        }
        return z;
    }

    /// <summary>A uniformly distributed unit vector (normalised Gaussian) from <paramref name="key"/>.</summary>
    public static double[] RandomUnit(RngKey key, int n)
    {
        var v = new double[n];
        for (int attempt = 0; ; attempt++)
        {
            Sampling.Normal(key.Fold((ulong)attempt), v.AsSpan(), 0.0, 1.0);
            double norm = Norm(v);
            if (norm > 0)
            {
                Blas1.Scale(1 / norm, v);
                return v;
            }
        }
    }

    /// <summary>
    /// Removes from <paramref name="w"/> its components along the orthonormal <paramref name="basis"/>,
    /// twice ("twice is enough": Giraud, Langou &amp; Rozložník 2005) — full reorthogonalisation keeps
    /// Lanczos vectors orthogonal to working precision, so no spurious copies of converged Ritz
    /// values ("ghosts", Paige 1971) appear.
    /// </summary>
    public static void Orthogonalise(List<double[]> basis, Span<double> w)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (var q in basis)
            {
                Blas1.Axpy(-Blas1.Dot(q, w), q, w);
            }
        }
    }
}
