using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Tensors;

public static partial class Tensor
{
    /// <summary>
    /// Matrix product op(a)·op(b) over the last two axes, with leading batch axes broadcast
    /// (NumPy matmul). Transposition is a flag passed to GEMM, not a copy, which is also how the
    /// backward rules avoid materialising transposes. 1-D operands are treated as in NumPy
    /// (a row vector on the left, a column vector on the right; the unit axis is removed).
    /// </summary>
    public static Tensor<T> MatMul<T>(Tensor<T> a, Tensor<T> b, bool transA = false, bool transB = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Rank == 0 || b.Rank == 0)
        {
            throw new TensorShapeException($"matmul: scalar operand (shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)})");
        }
        if (a.Rank == 1 || b.Rank == 1)
        {
            var a2 = a.Rank == 1 ? Reshape(a, 1, a.Size) : a;
            var b2 = b.Rank == 1 ? Reshape(b, b.Size, 1) : b;
            var r = MatMul(a2, b2, a.Rank != 1 && transA, b.Rank != 1 && transB);
            if (a.Rank == 1)
            {
                r = Squeeze(r, -2);
            }
            if (b.Rank == 1)
            {
                r = Squeeze(r, -1);
            }
            return r;
        }
        int m = transA ? a.Shape[^1] : a.Shape[^2];
        int ka = transA ? a.Shape[^2] : a.Shape[^1];
        int kb = transB ? b.Shape[^1] : b.Shape[^2];
        int n = transB ? b.Shape[^2] : b.Shape[^1];
        if (ka != kb)
        {
            throw new TensorShapeException(
                $"matmul: inner dimensions differ: {Shapes.Format(a.Shape)}{(transA ? "^T" : "")} x {Shapes.Format(b.Shape)}{(transB ? "^T" : "")} ({ka} vs {kb})");
        }
        var batchA = a.Shape[..^2];
        var batchB = b.Shape[..^2];
        var batch = Shapes.Equal(batchA, batchB) ? batchA : Shapes.Broadcast("matmul", batchA, batchB);
        int nb = Shapes.Size(batch);
        var shape = new int[batch.Length + 2];
        batch.CopyTo(shape, 0);
        shape[^2] = m;
        shape[^1] = n;
        // GEMM with beta = 0 overwrites C entirely (an empty inner dimension writes zeros).
        var y = ka > 0 ? Buffers.Uninitialized<T>(Shapes.Size(shape)) : new T[Shapes.Size(shape)];
        int lda = a.Shape[^1], ldb = b.Shape[^1];
        if (nb == 1)
        {
            Gemm.Compute(transA, transB, m, n, ka, T.One, a.Data, lda, b.Data, ldb, T.Zero, y, n);
        }
        else
        {
            long sA = (long)a.Shape[^1] * a.Shape[^2], sB = (long)b.Shape[^1] * b.Shape[^2];
            // A batch shape that broadcasts to the output's with the same element count has its layout.
            bool aFull = Shapes.Size(batchA) == nb;
            bool bFull = Shapes.Size(batchB) == nb;
            bool aOne = Shapes.Size(batchA) == 1, bOne = Shapes.Size(batchB) == 1;
            if ((aFull || aOne) && (bFull || bOne))
            {
                Gemm.ComputeBatched(transA, transB, m, n, ka, T.One, a.Data, lda, aOne ? 0 : sA, b.Data, ldb, bOne ? 0 : sB, T.Zero, y, n, (long)m * n, nb);
            }
            else
            {
                // General batch broadcasting: one GEMM per output batch index.
                var stA = Shapes.BroadcastStrides(batchA, batch);
                var stB = Shapes.BroadcastStrides(batchB, batch);
                var idx = new int[batch.Length];
                for (int t = 0; t < nb; t++)
                {
                    long oa = 0, ob = 0;
                    for (int d = 0; d < batch.Length; d++)
                    {
                        oa += (long)idx[d] * stA[d];
                        ob += (long)idx[d] * stB[d];
                    }
                    Gemm.Compute(transA, transB, m, n, ka, T.One,
                        a.Data.AsSpan((int)(oa * sA), (int)sA), lda, b.Data.AsSpan((int)(ob * sB), (int)sB), ldb, T.Zero,
                        y.AsSpan(t * m * n, m * n), n);
                    for (int d = batch.Length - 1; d >= 0; d--)
                    {
                        if (++idx[d] < batch[d])
                        {
                            break;
                        }
                        idx[d] = 0;
                    }
                }
            }
        }
        return Record(new Tensor<T>(y, shape), OpKind.MatMul, new MatMulAttr(transA, transB), a, b);
    }

    /// <summary>
    /// The two products op(a0) op(b0) and op(a1) op(b1) of 2-D operands, unrecorded, computed side by
    /// side on two cores when <see cref="GemmPair{T}"/> applies (the backward pass of a matrix
    /// product); null when it does not (the caller then uses <see cref="MatMul{T}"/>). The values
    /// are bitwise those of two MatMul calls.
    /// </summary>
    internal static unsafe (Tensor<T>, Tensor<T>)? TryMatMulPair<T>(
        Tensor<T> a0, Tensor<T> b0, bool transA0, bool transB0,
        Tensor<T> a1, Tensor<T> b1, bool transA1, bool transB1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (GradMode.Enabled || a0.Rank != 2 || b0.Rank != 2 || a1.Rank != 2 || b1.Rank != 2)
        {
            return null;
        }
        int m0 = transA0 ? a0.Shape[1] : a0.Shape[0], k0 = transA0 ? a0.Shape[0] : a0.Shape[1];
        int n0 = transB0 ? b0.Shape[0] : b0.Shape[1], kb0 = transB0 ? b0.Shape[1] : b0.Shape[0];
        int m1 = transA1 ? a1.Shape[1] : a1.Shape[0], k1 = transA1 ? a1.Shape[0] : a1.Shape[1];
        int n1 = transB1 ? b1.Shape[0] : b1.Shape[1], kb1 = transB1 ? b1.Shape[1] : b1.Shape[0];
        if (k0 != kb0 || k1 != kb1)
        {
            return null; // MatMul reports the error
        }
        var backend = Gemm.Backend;
        var probe0 = new GemmPair<T>.Product(transA0, transB0, m0, n0, k0, null, a0.Shape[1], null, b0.Shape[1], null, n0);
        var probe1 = new GemmPair<T>.Product(transA1, transB1, m1, n1, k1, null, a1.Shape[1], null, b1.Shape[1], null, n1);
        if (!GemmPair<T>.Applies(backend, in probe0, in probe1))
        {
            return null;
        }
        var y0 = Buffers.Uninitialized<T>(m0 * n0);
        var y1 = Buffers.Uninitialized<T>(m1 * n1);
        fixed (T* pa0 = a0.Data, pb0 = b0.Data, pa1 = a1.Data, pb1 = b1.Data, pc0 = y0, pc1 = y1)
        {
            GemmPair<T>.Run(
                new GemmPair<T>.Product(transA0, transB0, m0, n0, k0, pa0, a0.Shape[1], pb0, b0.Shape[1], pc0, n0),
                new GemmPair<T>.Product(transA1, transB1, m1, n1, k1, pa1, a1.Shape[1], pb1, b1.Shape[1], pc1, n1));
        }
        return (new Tensor<T>(y0, [m0, n0]), new Tensor<T>(y1, [m1, n1]));
    }

    /// <summary>Σ a·b over all elements (shapes must match).</summary>
    public static Tensor<T> Dot<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Shapes.Equal(a.Shape, b.Shape))
        {
            throw new TensorShapeException($"dot: shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)} differ");
        }
        return Sum(Mul(a, b));
    }
}
