using Gradscope.Linalg;

namespace Gradscope.Curvature;

/// <summary>
/// An explicit symmetric matrix (row-major n×n) as an <see cref="ILinearOperator"/>: for small
/// problems where the dense Hessian is at hand (e.g. many Hutchinson probes on an assembled H), and
/// as a test oracle with a known spectrum. The matrix is copied; symmetry is the caller's promise.
/// </summary>
public sealed class MatrixOperator : ILinearOperator
{
    private readonly double[] _a;

    public MatrixOperator(ReadOnlySpan<double> matrix, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (matrix.Length != (long)n * n)
        {
            throw new ArgumentException($"a {n}x{n} matrix needs {(long)n * n} values, got {matrix.Length}", nameof(matrix));
        }
        _a = matrix.ToArray();
        Dimension = n;
    }

    public int Dimension { get; }

    /// <summary>Number of <see cref="Apply"/> calls so far.</summary>
    public long Applications { get; private set; }

    public void Apply(ReadOnlySpan<double> v, Span<double> result)
    {
        KrylovVectors.CheckLengths(Dimension, v, result);
        int n = Dimension;
        for (int i = 0; i < n; i++)
        {
            result[i] = Blas1.Dot(_a.AsSpan(i * n, n), v);
        }
        Applications++;
    }
}
