using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Data;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Landscape;

internal sealed partial class LandscapeEvaluator<T>
{
    /// <summary>One thread's buffers. Not thread-safe: one worker per thread.</summary>
    public sealed class Worker
    {
        private readonly LandscapeEvaluator<T> _e;
        private readonly Tensor<T>[] _params;
        private readonly ChunkBuffers? _train;
        private readonly ChunkBuffers? _test;

        internal Worker(LandscapeEvaluator<T> e)
        {
            _e = e;
            var specs = e._model.Parameters;
            _params = new Tensor<T>[specs.Count];
            for (int p = 0; p < specs.Count; p++)
            {
                // On the factored path the first-layer weight is never formed (its products stand in for it).
                bool skip = e._mlp is not null && p == 0;
                _params[p] = Tensor.Wrap(skip ? [] : new T[Shapes.Size(specs[p].Shape)], (int[])specs[p].Shape.Clone());
            }
            if (e._mlp is { } mlp)
            {
                _train = new ChunkBuffers(e._train.Count, mlp.Widths[1], mlp.OutputSize);
                _test = e._test is null ? null : new ChunkBuffers(e._test.Count, mlp.Widths[1], mlp.OutputSize);
            }
        }

        /// <summary>The losses at θ = Σ_k c_k v_k (coefficients rounded to T; terms with c_k = 0 skipped, c_k = 1 copied).</summary>
        public PointValues Evaluate(IReadOnlyList<BasisVector<T>> basis, ReadOnlySpan<double> c)
        {
            using var arena = TensorArena.Begin();
            using var noGrad = GradMode.NoGrad();
            int first = _e._mlp is null ? 0 : 1;
            for (int p = first; p < _params.Length; p++)
            {
                var dst = _params[p].MutableSpan;
                ParamMath.Scale(dst, basis[0].Params[p].Span, T.CreateTruncating(c[0]));
                for (int k = 1; k < basis.Count; k++)
                {
                    ParamMath.AddScaled(dst, basis[k].Params[p].Span, T.CreateTruncating(c[k]));
                }
            }
            var (loss, acc) = Split(_e._train, basis, c, test: false);
            var (testLoss, testAcc) = _e._test is null ? (double.NaN, double.NaN) : Split(_e._test, basis, c, test: true);
            return new PointValues(loss, acc, testLoss, testAcc);
        }

        private (double Loss, double Accuracy) Split(DataSplit<T> split, IReadOnlyList<BasisVector<T>> basis, ReadOnlySpan<double> c, bool test)
        {
            var f = _e._mlp is { } mlp ? FactoredForward(mlp, basis, c, test) : _e._model.Forward(_params, split.X);
            double loss = double.CreateTruncating(Loss.Compute(_e._loss, f, split.Y).Item());
            return (loss, _e._classification ? Loss.Accuracy(f, split.Y) : double.NaN);
        }

        /// <summary>
        /// Mlp.Forward with its first product replaced by Σ_k c_k (X·W₀(v_k)ᵀ), the same operations in the
        /// same order afterwards (multiplier, bias, activation, then the remaining layers through the
        /// same tensor ops), so the centre point reproduces the model's own forward pass bit for bit.
        /// Samples go through in blocks of rows (each in its own arena scope, outputs copied into one
        /// [n, k] buffer, the loss taken over all of them at once): every operation here acts on rows
        /// independently, so the values are those of the full batch, while a thread's working set stays
        /// a few hundred kilobytes — cache-resident, and no [n, width] activation per thread.
        /// </summary>
        private Tensor<T> FactoredForward(Mlp mlp, IReadOnlyList<BasisVector<T>> basis, ReadOnlySpan<double> c, bool test)
        {
            var buf = test ? _test! : _train!;
            ReadOnlySpan<T> bias = mlp.Bias ? _params[1].Span : [];
            int width = mlp.Widths[1], k = mlp.OutputSize;
            var output = buf.Output.MutableSpan;
            var terms = Terms(basis, c, test, buf.Rows * width);
            for (int r0 = 0; r0 < buf.Rows; r0 += buf.BlockRows)
            {
                int rows = Math.Min(buf.BlockRows, buf.Rows - r0);
                var pre = rows == buf.BlockRows ? buf.Block : buf.Tail!;
                FirstLayer(pre.MutableSpan, width, r0 * width, terms, mlp.Multiplier(0), bias);
                using var scope = TensorArena.Begin();
                Rest(mlp, pre).Span.CopyTo(output.Slice(r0 * k, rows * k));
            }
            return buf.Output;
        }

        /// <summary>Activation of layer 0, then layers 1.. exactly as Mlp.Forward computes them.</summary>
        private Tensor<T> Rest(Mlp mlp, Tensor<T> pre)
        {
            int p = mlp.Bias ? 2 : 1;
            var h = pre;
            for (int l = 0; l < mlp.Layers; l++)
            {
                if (l > 0)
                {
                    h = Tensor.MatMul(h, _params[p++], transB: true);
                    double m = mlp.Multiplier(l);
                    if (m != 1.0)
                    {
                        h = Tensor.MulScalar(h, m);
                    }
                    if (mlp.Bias)
                    {
                        h = Tensor.Add(h, _params[p++]);
                    }
                }
                if (l < mlp.Layers - 1)
                {
                    h = Activations.Apply(mlp.Activation, h);
                }
            }
            return h;
        }

        /// <summary>The products with non-zero coefficients (a zero product if there is none), in basis order.</summary>
        private static (T[] A, T C)[] Terms(IReadOnlyList<BasisVector<T>> basis, ReadOnlySpan<double> c, bool test, int size)
        {
            var terms = new List<(T[] A, T C)>(basis.Count);
            for (int k = 0; k < basis.Count; k++)
            {
                var ck = T.CreateTruncating(c[k]);
                if (ck != T.Zero)
                {
                    terms.Add(((test ? basis[k].TestProduct : basis[k].TrainProduct)!.Data, ck));
                }
            }
            if (terms.Count == 0)
            {
                terms.Add((new T[size], T.One));
            }
            return [.. terms];
        }

        /// <summary>
        /// Layer 0's pre-activations in one pass over the rows: h = ((Σ_k c_k·A_k)·m) + b, the sum in
        /// basis order starting from the first non-zero term (terms with c_k = 0 skipped, so the centre's
        /// coefficients (1, 0, 0) give A_0 exactly), then the multiplier and bias each rounded as
        /// Tensor.MulScalar and Tensor.Add round them in Mlp.Forward. One pass instead of one per term:
        /// this is the bulk of a factored point's memory traffic.
        /// </summary>
        private static void FirstLayer(Span<T> h, int width, int offset, (T[] A, T C)[] terms, double multiplier, ReadOnlySpan<T> bias)
        {
            bool scale = multiplier != 1.0;
            var m = T.CreateTruncating(multiplier);
            bool hasBias = !bias.IsEmpty;
            int vw = Vector.IsHardwareAccelerated && Vector<T>.IsSupported ? Vector<T>.Count : int.MaxValue;
            for (int r = 0; r < h.Length; r += width)
            {
                var row = h.Slice(r, width);
                int j = 0;
                for (; j + vw <= width; j += vw)
                {
                    var acc = new Vector<T>(terms[0].A.AsSpan(offset + r + j, vw)) * terms[0].C;
                    for (int k = 1; k < terms.Length; k++)
                    {
                        acc += new Vector<T>(terms[k].A.AsSpan(offset + r + j, vw)) * terms[k].C;
                    }
                    if (scale)
                    {
                        acc *= m;
                    }
                    if (hasBias)
                    {
                        acc += new Vector<T>(bias.Slice(j, vw));
                    }
                    acc.CopyTo(row.Slice(j, vw));
                }
                for (; j < width; j++)
                {
                    var acc = terms[0].A[offset + r + j] * terms[0].C;
                    for (int k = 1; k < terms.Length; k++)
                    {
                        acc += terms[k].A[offset + r + j] * terms[k].C;
                    }
                    if (scale)
                    {
                        acc *= m;
                    }
                    if (hasBias)
                    {
                        acc += bias[j];
                    }
                    row[j] = acc;
                }
            }
        }

        /// <summary>A worker's per-split buffers: one block of pre-activations (and the shorter last block), and the [n, k] outputs.</summary>
        private sealed class ChunkBuffers
        {
            public ChunkBuffers(int rows, int width, int outputs)
            {
                Rows = rows;
                // About 16K values per block (128 KB in float64), whole rows, a multiple of 16 rows when it can be.
                BlockRows = Math.Min(rows, Math.Max(16, 16384 / width / 16 * 16));
                Block = Tensor.Wrap(new T[BlockRows * width], [BlockRows, width]);
                int tail = rows % BlockRows;
                Tail = tail == 0 ? null : Tensor.Wrap(new T[tail * width], [tail, width]);
                Output = Tensor.Wrap(new T[rows * outputs], [rows, outputs]);
            }

            public int Rows { get; }

            public int BlockRows { get; }

            public Tensor<T> Block { get; }

            public Tensor<T>? Tail { get; }

            public Tensor<T> Output { get; }
        }
    }
}
