using System.Runtime.CompilerServices;

namespace Gradscope.Linalg;

/// <summary>
/// Householder reflections H = I - tau v v^T with v[0] = 1 (the LAPACK dlarfg convention),
/// shared by the QR factorisation and the tridiagonal reduction.
/// </summary>
internal static class Householder
{
    /// <summary>
    /// Overwrites <paramref name="x"/> with v (v[0] = 1) such that H x = beta e_0, choosing the sign
    /// of beta opposite to x[0] so that x[0] - beta involves no cancellation (Golub and Van Loan,
    /// Alg. 5.1.1). Returns tau = 0 (H = I) when x[1..] is already zero.
    /// </summary>
    internal static (double Tau, double Beta) Make(Span<double> x)
    {
        double alpha = x[0];
        double sigma = x.Length > 1 ? Math.Sqrt(Blas1.Dot(x[1..], x[1..])) : 0.0;
        x[0] = 1;
        if (sigma == 0)
        {
            return (0, alpha);
        }
        double beta = -Math.CopySign(double.Hypot(alpha, sigma), alpha);
        Blas1.Scale(1.0 / (alpha - beta), x[1..]);
        return ((beta - alpha) / beta, beta);
    }

    /// <summary>
    /// Applies H = I - tau v v^T, v = source[vStart .. vStart + m), to the segment
    /// [offset, offset + m) of rows [from, to) of the row-major <paramref name="target"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ApplyToRows(
        double[] source, int vStart, int m, double tau, double[] target, int stride, int offset, int from, int to)
    {
        ReadOnlySpan<double> v = source.AsSpan(vStart, m);
        for (int j = from; j < to; j++)
        {
            Span<double> row = target.AsSpan(j * stride + offset, m);
            Blas1.Axpy(-tau * Blas1.Dot(v, row), v, row);
        }
    }

    /// <summary>Runs body over row ranges covering [from, to): a few ranges per core when rows x width is large.</summary>
    internal static void ParallelRows(int from, int to, int width, Action<int, int> body)
    {
        int rows = to - from;
        int workers = Environment.ProcessorCount;
        if (rows <= 0)
        {
            return;
        }
        if ((long)rows * width < 1 << 15 || workers < 2)
        {
            body(from, to);
            return;
        }
        int chunks = Math.Min(rows, 4 * workers);
        Parallel.For(0, chunks, c => body(from + (int)((long)rows * c / chunks), from + (int)((long)rows * (c + 1) / chunks)));
    }
}
