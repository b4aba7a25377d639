using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Data;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Landscape;

/// <summary>Losses (and accuracies) of one landscape point; NaN where absent.</summary>
internal readonly record struct PointValues(double Loss, double Accuracy, double TestLoss, double TestAccuracy);

/// <summary>
/// One fixed vector v_k of a slice (θ, δ, η; or θ₀, θ₁) with, on the factored path, the products
/// X·W₀(v_k)ᵀ of each split's inputs with its first-layer weight, computed once per slice.
/// </summary>
internal sealed record BasisVector<T>(ParamSet<T> Params, Tensor<T>? TrainProduct, Tensor<T>? TestProduct)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// Evaluates L(Σ_k c_k v_k) for the landscape code: Surface grids, interpolation paths and the
/// roughness index all reduce to a fixed basis v_k and per-point coefficients c_k. The evaluator holds
/// what every thread shares (model, loss, data); a <see cref="Worker"/> holds one thread's preallocated
/// parameter (or pre-activation) buffers, so a point allocates nothing but the forward pass's own
/// temporaries, and those come from a <see cref="TensorArena"/> scope opened per point and recycled by
/// the next. Nothing computed for a point outlives it except the returned doubles.
/// </summary>
internal sealed class LandscapeEvaluator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Model _model;
    private readonly LossKind _loss;
    private readonly DataSplit<T> _train;
    private readonly DataSplit<T>? _test;
    private readonly Mlp? _mlp;
    private readonly bool _classification;

    public LandscapeEvaluator(Model model, LossKind loss, DataSplit<T> train, DataSplit<T>? test, ForwardMode mode)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        CheckSplit(model, train, "train");
        if (test is not null)
        {
            CheckSplit(model, test, "test");
        }
        _model = model;
        _loss = loss;
        _train = train;
        _test = test;
        _mlp = mode == ForwardMode.Auto ? model as Mlp : null;
        // Accuracy is meaningful for labelled data and for the classification losses (±1 targets for logistic/hinge).
        _classification = train.Labels is not null || loss != LossKind.Mse;
    }

    /// <summary>True when the first layer is factored (see <see cref="ForwardMode.Auto"/>).</summary>
    public bool Factored => _mlp is not null;

    public bool HasTest => _test is not null;

    /// <summary>
    /// Checks <paramref name="v"/> against the model and, on the factored path, computes its
    /// first-layer products (in the caller's arena scope, if one is open: they must not outlive it).
    /// </summary>
    public BasisVector<T> Prepare(ParamSet<T> v, string what)
    {
        ParamMath.CheckMatches(_model, v, what);
        if (_mlp is null)
        {
            return new BasisVector<T>(v, null, null);
        }
        using var _ = GradMode.NoGrad();
        var w0 = v[0].Detach();
        return new BasisVector<T>(v, Tensor.MatMul(_train.X, w0, transB: true), _test is null ? null : Tensor.MatMul(_test.X, w0, transB: true));
    }

    public Worker CreateWorker() => new(this);

    private static void CheckSplit(Model model, DataSplit<T> s, string name)
    {
        if (s.X.Rank != 2 || s.X.Shape[1] != model.InputSize)
        {
            throw new TensorShapeException($"{name} inputs of shape {Shapes.Format(s.X.Shape)}, the model expects [n, {model.InputSize}]");
        }
        if (s.Y.Rank != 2 || s.Y.Shape[0] != s.X.Shape[0] || s.Y.Shape[1] != model.OutputSize)
        {
            throw new TensorShapeException($"{name} targets of shape {Shapes.Format(s.Y.Shape)}, expected [{s.X.Shape[0]}, {model.OutputSize}]");
        }
        if (s.X.Shape[0] == 0)
        {
            throw new ArgumentException($"{name} split has no samples");
        }
    }

    /// <summary>One thread's buffers. Not thread-safe: one worker per thread.</summary>
    public sealed class Worker
    {
        private readonly LandscapeEvaluator<T> _e;
        private readonly Tensor<T>[] _params;
        private readonly Tensor<T>? _preTrain;
        private readonly Tensor<T>? _preTest;

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
            if (e._mlp is not null)
            {
                int h = e._mlp.Widths[1];
                _preTrain = Tensor.Wrap(new T[e._train.Count * h], [e._train.Count, h]);
                _preTest = e._test is null ? null : Tensor.Wrap(new T[e._test.Count * h], [e._test.Count, h]);
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
        /// Mlp.Forward with its first product replaced by Σ_k c_k (X·W₀(v_k)ᵀ): the same operations in the
        /// same order afterwards (multiplier, bias, activation, then the remaining layers through the
        /// same tensor ops), so the centre point reproduces the model's own forward pass bit for bit.
        /// </summary>
        private Tensor<T> FactoredForward(Mlp mlp, IReadOnlyList<BasisVector<T>> basis, ReadOnlySpan<double> c, bool test)
        {
            var pre = test ? _preTest! : _preTrain!;
            int p = 1;
            ReadOnlySpan<T> bias = mlp.Bias ? _params[p++].Span : [];
            FirstLayer(pre.MutableSpan, mlp.Widths[1], basis, c, test, mlp.Multiplier(0), bias);
            Tensor<T> h = pre;
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

        /// <summary>
        /// Layer 0's pre-activations in one pass over the rows: h = ((Σ_k c_k·A_k)·m) + b, the sum in
        /// basis order starting from the first non-zero term (terms with c_k = 0 skipped, so the centre's
        /// coefficients (1, 0, 0) give A_0 exactly), then the multiplier and bias each rounded as
        /// Tensor.MulScalar and Tensor.Add round them in Mlp.Forward. One pass instead of one per term:
        /// this is the bulk of a factored point's memory traffic.
        /// </summary>
        private static void FirstLayer(Span<T> h, int width, IReadOnlyList<BasisVector<T>> basis, ReadOnlySpan<double> c, bool test,
            double multiplier, ReadOnlySpan<T> bias)
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
                h.Clear();
                terms.Add((new T[h.Length], T.One));
            }
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
                    var acc = new Vector<T>(terms[0].A.AsSpan(r + j, vw)) * terms[0].C;
                    for (int k = 1; k < terms.Count; k++)
                    {
                        acc += new Vector<T>(terms[k].A.AsSpan(r + j, vw)) * terms[k].C;
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
                    var acc = terms[0].A[r + j] * terms[0].C;
                    for (int k = 1; k < terms.Count; k++)
                    {
                        acc += terms[k].A[r + j] * terms[k].C;
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
    }
}
