using System.Numerics;
using Gradscope.Autodiff;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Tensors;

namespace Gradscope.Curvature;

/// <summary>
/// The Hessian H = ∇²L(θ) of the MEAN loss L over a dataset, at a fixed θ, as a matrix-free
/// operator: H v is a Hessian-vector product by reverse-over-reverse differentiation (Pearlmutter
/// 1994, "Fast exact multiplication by the Hessian"), at about the cost of two gradients and never
/// forming the P×P matrix. This is what makes Lanczos, Hutchinson and stochastic Lanczos quadrature
/// practical for networks (Ghorbani, Krishnan &amp; Xiao 2019; Yao et al. 2020, PyHessian).
/// </summary>
/// <remarks>
/// <para>
/// Memory is bounded by applying the operator in chunks of at most <c>chunkSize</c> samples: the
/// mean loss is L = Σ_c (n_c/n) L_c, where L_c is the mean loss of chunk c, so
/// H = Σ_c (n_c/n) H_c and only one chunk's activations (and their second-order graph) are alive at a
/// time. Each chunk's HVP runs inside its own <see cref="TensorArena"/> scope, so its buffers are
/// recycled by the next chunk. The chunk tensors are cut once, in the constructor.
/// </para>
/// <para>
/// The model may be float32 or float64; the operator's interface is float64 either way (v is rounded
/// to T, Hv is widened back, and chunk contributions are accumulated in float64).
/// </para>
/// <para>
/// With a <c>block</c> (indices into the ParamSet) the operator is the diagonal block of H for
/// those parameter tensors — e.g. one layer's weight and bias, for per-layer curvature — and the
/// other parameters are held fixed at θ. Vectors are then the concatenation of the block's tensors,
/// flattened, in ParamSet order.
/// </para>
/// <para>
/// When the data fit in one chunk, the gradient graph ∇L(θ) is built once, on the first application,
/// and kept: every product is then one reverse pass of ⟨∇L, v⟩ through it (PyHessian's retained
/// graph), about half the work of rebuilding it. The kept graph lives in whatever tensor-arena scope
/// was open at the first application (a probe's step), so the operator must not outlive that scope.
/// </para>
/// </remarks>
public sealed class HessianOperator<T> : ILinearOperator where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Model _model;
    private readonly LossKind _loss;
    private readonly Chunk[] _chunks;
    private readonly Tensor<T>[] _params;
    private readonly int[] _block;
    private readonly int[] _offsets;
    private (Tensor<T>[] Leaves, Tensor<T>?[] Grads)? _retained;

    /// <param name="model">The network f(θ, x).</param>
    /// <param name="loss">The loss; its mean over samples is the objective (as <see cref="Loss.Compute"/>).</param>
    /// <param name="x">Inputs [n, InputSize].</param>
    /// <param name="y">Targets [n, OutputSize], or [n]: integer class labels (one-hot encoded here) when the model has more than one output, plain targets when it has one.</param>
    /// <param name="at">The point θ; copied, so later changes to it do not affect the operator.</param>
    /// <param name="chunkSize">Samples per HVP chunk.</param>
    /// <param name="block">Parameter tensor indices of a diagonal block; null = all parameters.</param>
    public HessianOperator(Model model, LossKind loss, Tensor<T> x, Tensor<T> y, ParamSet<T> at, int chunkSize = 1024, IReadOnlyList<int>? block = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(at);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        if (at.Count != model.Parameters.Count)
        {
            throw new ArgumentException($"{at.Count} parameter tensors for a model with {model.Parameters.Count}", nameof(at));
        }
        _model = model;
        _loss = loss;
        _chunks = Cut(model, x, Targets(model, x, y), chunkSize);
        _params = new Tensor<T>[at.Count];
        for (int i = 0; i < at.Count; i++)
        {
            if (!Shapes.Equal(at[i].Shape, model.Parameters[i].Shape))
            {
                throw new TensorShapeException($"parameter {model.Parameters[i].Name}: shape {Shapes.Format(at[i].Shape)}, model expects {Shapes.Format(model.Parameters[i].Shape)}");
            }
            _params[i] = Tensor.Wrap(at[i].ToArray(), (int[])at[i].Shape.Clone());
        }
        (_block, _offsets, Dimension) = Layout(block, _params);
        Samples = x.Shape[0];
        ChunkSize = chunkSize;
    }

    private HessianOperator(HessianOperator<T> parent, IReadOnlyList<int>? block)
    {
        _model = parent._model;
        _loss = parent._loss;
        _chunks = parent._chunks;
        _params = parent._params;
        (_block, _offsets, Dimension) = Layout(block, _params);
        Samples = parent.Samples;
        ChunkSize = parent.ChunkSize;
    }

    public int Dimension { get; }

    /// <summary>Number of <see cref="Apply"/> calls so far (Hessian-vector products over the whole dataset).</summary>
    public long Applications { get; private set; }

    /// <summary>n, the number of samples the loss averages over.</summary>
    public int Samples { get; }

    public int ChunkSize { get; }

    /// <summary>Number of chunks one application runs through.</summary>
    public int Chunks => _chunks.Length;

    /// <summary>The parameter tensor indices this operator acts on (all of them without a block), ascending.</summary>
    public IReadOnlyList<int> Block => _block;

    /// <summary>
    /// The diagonal block for other parameter tensors at the same θ and data, sharing this operator's
    /// cached chunks (no copy of the data); null = all parameters.
    /// </summary>
    public HessianOperator<T> ForBlock(IReadOnlyList<int>? block) => new(this, block);

    public void Apply(ReadOnlySpan<double> v, Span<double> result)
    {
        KrylovVectors.CheckLengths(Dimension, v, result);
        var inputs = new Tensor<T>[_block.Length];
        var tangents = new Tensor<T>[_block.Length];
        for (int b = 0; b < _block.Length; b++)
        {
            var p = _params[_block[b]];
            inputs[b] = p;
            var t = new T[p.Size];
            var seg = v.Slice(_offsets[b], p.Size);
            for (int i = 0; i < t.Length; i++)
            {
                t[i] = T.CreateTruncating(seg[i]);
            }
            tangents[b] = Tensor.Wrap(t, (int[])p.Shape.Clone());
        }
        result.Clear();
        if (_chunks.Length == 1)
        {
            ApplyRetained(tangents, result);
            Applications++;
            return;
        }
        foreach (var c in _chunks)
        {
            using var scope = TensorArena.Begin();
            var (_, _, hv) = Grad.Hvp(q => ChunkLoss(q, c), inputs, tangents);
            Accumulate(hv, c.Weight, result);
        }
        Applications++;
    }

    /// <summary>Hv = ∇⟨∇L, v⟩ through the gradient graph built once (single chunk).</summary>
    private void ApplyRetained(Tensor<T>[] tangents, Span<double> result)
    {
        using var mode = GradMode.EnableGrad();
        if (_retained is null)
        {
            var leaves = _block.Select(i => _params[i].Detach().RequireGrad()).ToArray();
            var y = ChunkLoss(leaves, _chunks[0]);
            _retained = (leaves, Grad.Of(y, leaves, createGraph: true));
        }
        var (xs, g) = _retained.Value;
        using var scope = TensorArena.Begin();
        Tensor<T>? s = null;
        for (int b = 0; b < xs.Length; b++)
        {
            if (g[b] is { } gb)
            {
                var term = Tensor.Dot(gb, tangents[b]);
                s = s is null ? term : Tensor.Add(s, term);
            }
        }
        var hv = s is null || !s.RequiresGrad ? new Tensor<T>?[xs.Length] : Grad.Of(s, xs);
        var parts = new Tensor<T>[xs.Length];
        for (int b = 0; b < xs.Length; b++)
        {
            parts[b] = hv[b] ?? Tensor.ZerosLike(xs[b]);
        }
        Accumulate(parts, _chunks[0].Weight, result);
    }

    /// <summary>
    /// The full-batch mean loss and its gradient (restricted to the block), chunked like
    /// <see cref="Apply"/>; does not count as an application.
    /// </summary>
    public (double Loss, double[] Gradient) LossAndGradient()
    {
        var inputs = _block.Select(i => _params[i]).ToArray();
        double loss = 0;
        var g = new double[Dimension];
        foreach (var c in _chunks)
        {
            using var scope = TensorArena.Begin();
            var (value, grads) = Grad.ValueAndGrad(q => ChunkLoss(q, c), inputs);
            loss += c.Weight * double.CreateTruncating(value.Item());
            Accumulate(grads, c.Weight, g);
        }
        return (loss, g);
    }

    /// <summary>L_c: the mean loss of one chunk, with the block's tensors replaced by <paramref name="varied"/>.</summary>
    private Tensor<T> ChunkLoss(IReadOnlyList<Tensor<T>> varied, Chunk c)
    {
        var all = (Tensor<T>[])_params.Clone();
        for (int b = 0; b < _block.Length; b++)
        {
            all[_block[b]] = varied[b];
        }
        return Loss.Compute(_loss, _model.Forward(all, c.X), c.Y);
    }

    private void Accumulate(Tensor<T>[] parts, double weight, Span<double> into)
    {
        for (int b = 0; b < parts.Length; b++)
        {
            var s = parts[b].Span;
            var dst = into.Slice(_offsets[b], s.Length);
            for (int i = 0; i < s.Length; i++)
            {
                dst[i] += weight * double.CreateTruncating(s[i]);
            }
        }
    }

    private static (int[] Block, int[] Offsets, int Dimension) Layout(IReadOnlyList<int>? block, Tensor<T>[] ps)
    {
        int[] idx = block is null ? Enumerable.Range(0, ps.Length).ToArray() : block.Order().ToArray();
        if (idx.Length == 0)
        {
            throw new ArgumentException("a Hessian block needs at least one parameter tensor", nameof(block));
        }
        for (int i = 0; i < idx.Length; i++)
        {
            if (idx[i] < 0 || idx[i] >= ps.Length)
            {
                throw new ArgumentException($"block index {idx[i]} out of range: the model has {ps.Length} parameter tensors", nameof(block));
            }
            if (i > 0 && idx[i] == idx[i - 1])
            {
                throw new ArgumentException($"block index {idx[i]} listed twice", nameof(block));
            }
        }
        var offsets = new int[idx.Length];
        long dim = 0;
        for (int b = 0; b < idx.Length; b++)
        {
            offsets[b] = (int)dim;
            dim += ps[idx[b]].Size;
        }
        if (dim > Array.MaxLength)
        {
            throw new ArgumentException($"{dim} parameters do not fit one vector", nameof(block));
        }
        return (idx, offsets, (int)dim);
    }

    /// <summary>Targets as [n, OutputSize]: rank-2 as given; rank-1 labels one-hot encoded, or a column for one output.</summary>
    private static Tensor<T> Targets(Model model, Tensor<T> x, Tensor<T> y)
    {
        if (x.Rank != 2 || x.Shape[1] != model.InputSize)
        {
            throw new TensorShapeException($"hessian: inputs of shape {Shapes.Format(x.Shape)}, expected [n, {model.InputSize}]");
        }
        int n = x.Shape[0], k = model.OutputSize;
        if (n == 0)
        {
            throw new ArgumentException("hessian: no samples", nameof(x));
        }
        if (y.Rank == 2 && y.Shape[0] == n && y.Shape[1] == k)
        {
            return y;
        }
        if (y.Rank == 1 && y.Shape[0] == n)
        {
            if (k == 1)
            {
                return Tensor.Wrap(y.ToArray(), [n, 1]);
            }
            var onehot = new T[n * k];
            var labels = y.Span;
            for (int i = 0; i < n; i++)
            {
                double l = double.CreateTruncating(labels[i]);
                if (l != Math.Floor(l) || l < 0 || l >= k)
                {
                    throw new ArgumentException($"hessian: label {l} of sample {i} is not a class index in [0, {k})", nameof(y));
                }
                onehot[i * k + (int)l] = T.One;
            }
            return Tensor.Wrap(onehot, [n, k]);
        }
        throw new TensorShapeException($"hessian: targets of shape {Shapes.Format(y.Shape)}, expected [{n}, {k}] or [{n}] labels");
    }

    /// <summary>Rows [start, start + chunkSize) of x and y, copied once; one chunk reuses the tensors as they are.</summary>
    private static Chunk[] Cut(Model model, Tensor<T> x, Tensor<T> y, int chunkSize)
    {
        int n = x.Shape[0], d = model.InputSize, k = model.OutputSize;
        if (chunkSize >= n)
        {
            return [new Chunk(x.Detach(), y.Detach(), 1.0)];
        }
        var chunks = new Chunk[(n + chunkSize - 1) / chunkSize];
        for (int c = 0; c < chunks.Length; c++)
        {
            int start = c * chunkSize, len = Math.Min(chunkSize, n - start);
            var xc = Tensor.Wrap(x.Span.Slice(start * d, len * d).ToArray(), [len, d]);
            var yc = Tensor.Wrap(y.Span.Slice(start * k, len * k).ToArray(), [len, k]);
            chunks[c] = new Chunk(xc, yc, (double)len / n);
        }
        return chunks;
    }

    /// <summary>One chunk of samples and its weight n_c/n in the mean.</summary>
    private sealed record Chunk(Tensor<T> X, Tensor<T> Y, double Weight);
}
