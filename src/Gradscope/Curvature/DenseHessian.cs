using System.Numerics;
using Gradscope.Linalg;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Curvature;

/// <summary>
/// The exact Hessian as a dense matrix, for small models: the oracle that the matrix-free methods
/// are tested against, and the full spectrum where P is small enough (P² doubles of memory, P
/// Hessian-vector products, O(P³) eigendecomposition).
/// </summary>
public static class DenseHessian
{
    /// <summary>Largest parameter count assembled densely (5000² doubles = 200 MB).</summary>
    public const int MaxParameters = 5000;

    /// <summary>
    /// Row-major P×P float64 Hessian of the mean loss at θ (chunked as <see cref="HessianOperator{T}"/>).
    /// Throws <see cref="ArgumentException"/> when P exceeds <see cref="MaxParameters"/>.
    /// </summary>
    public static double[] Compute<T>(Model model, LossKind loss, Tensor<T> x, Tensor<T> y, ParamSet<T> at, int chunkSize = 1024)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckSize(model.ParameterCount);
        return Compute(new HessianOperator<T>(model, loss, x, y, at, chunkSize));
    }

    /// <summary>
    /// The operator as a dense matrix, column j = A e_j, symmetrised as (A + Aᵀ)/2: exact HVPs are
    /// symmetric only up to rounding (and float32 models' only to ~1e-7), and the symmetric part is
    /// the matrix every eigen-solver assumes.
    /// </summary>
    public static double[] Compute(ILinearOperator op)
    {
        ArgumentNullException.ThrowIfNull(op);
        int n = op.Dimension;
        CheckSize(n);
        var a = new double[n * n];
        var e = new double[n];
        var col = new double[n];
        for (int j = 0; j < n; j++)
        {
            e[j] = 1;
            op.Apply(e, col);
            e[j] = 0;
            for (int i = 0; i < n; i++)
            {
                a[i * n + j] = col[i];
            }
        }
        Linalg.DenseKernels.Symmetrize(a, n);
        return a;
    }

    /// <summary>Full eigendecomposition of a symmetric row-major n×n matrix: eigenvalues descending, unit eigenvectors.</summary>
    public static (double[] Values, double[][] Vectors) Eigen(double[] hessian, int n)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        var (values, vectors) = SymmetricEigen.Decompose(hessian, n);
        var outValues = new double[n];
        var outVectors = new double[n][];
        for (int w = 0; w < n; w++)
        {
            int j = n - 1 - w;
            outValues[w] = values[j];
            var v = new double[n];
            for (int i = 0; i < n; i++)
            {
                v[i] = vectors[i * n + j];
            }
            outVectors[w] = v;
        }
        return (outValues, outVectors);
    }

    private static void CheckSize(long p)
    {
        if (p > MaxParameters)
        {
            throw new ArgumentException($"dense Hessian of {p} parameters requested; at most {MaxParameters} (a {p}x{p} matrix is {p * p * 8.0 / 1e9:F1} GB) — use the matrix-free HessianOperator");
        }
    }
}
