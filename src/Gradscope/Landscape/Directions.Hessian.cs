using System.Numerics;
using Gradscope.Curvature;
using Gradscope.Data;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Random;

namespace Gradscope.Landscape;

public static partial class Directions
{
    /// <summary>
    /// The eigenvectors of the k largest Hessian eigenvalues of the mean loss on <paramref name="data"/>
    /// at θ, by Lanczos with full reorthogonalisation on the matrix-free Hessian (Pearlmutter HVPs; see
    /// <see cref="HessianOperator{T}"/> and <see cref="Lanczos"/>), descending. Slicing along them
    /// shows the sharpest curvature of the landscape (the directions that govern stability, Cohen et
    /// al. 2021), unlike random directions, which see mostly the bulk of the spectrum. Each vector has
    /// unit norm as a flat float64 vector (rounded to T), with the sign fixed so its largest-magnitude
    /// entry is positive (Lanczos' sign is arbitrary). <paramref name="key"/> seeds the Lanczos start.
    /// </summary>
    public static IReadOnlyList<ParamSet<T>> HessianEigen<T>(Model model, LossKind loss, DataSplit<T> data, ParamSet<T> theta, int k, RngKey key)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        HessianEigenpairs(model, loss, data, theta, k, key).Vectors;

    /// <summary>As <see cref="HessianEigen{T}"/>, with the eigenvalues (descending) and the Lanczos result's convergence flag.</summary>
    public static (double[] Values, IReadOnlyList<ParamSet<T>> Vectors, bool Converged) HessianEigenpairs<T>(
        Model model, LossKind loss, DataSplit<T> data, ParamSet<T> theta, int k, RngKey key, LanczosOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ParamMath.CheckMatches(model, theta, nameof(theta));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var op = new HessianOperator<T>(model, loss, data.X, data.Y, theta);
        var r = Lanczos.Top(op, k, (options ?? new LanczosOptions()) with { Seed = key.Value });
        var vectors = new ParamSet<T>[r.Vectors.Length];
        for (int i = 0; i < vectors.Length; i++)
        {
            var v = (double[])r.Vectors[i].Clone();
            int big = 0;
            for (int j = 1; j < v.Length; j++)
            {
                if (Math.Abs(v[j]) > Math.Abs(v[big]))
                {
                    big = j;
                }
            }
            if (v[big] < 0)
            {
                for (int j = 0; j < v.Length; j++)
                {
                    v[j] = -v[j];
                }
            }
            vectors[i] = ParamMath.FromFlat(theta, v);
        }
        return (r.Values, vectors, r.Converged);
    }
}
