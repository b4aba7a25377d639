using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Gradscope.Lab;
using Gradscope.Lab.Spec;
using Gradscope.Nn;
using Gradscope.Probes;
using Gradscope.Tensors.Kernels;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Gradscope.Ensembles;

/// <summary>
/// R replicas of one MLP stacked on a leading replica axis: data X [R, n, d₀], Y [R, n, k];
/// parameters [R, P] with each replica's P values in ParamSet order (so layer l's weight is the
/// [R, out, in] slab at offset off_W[l] of every row, its bias [R, out]); optimiser state likewise;
/// the per-replica hyperparameters as one <see cref="ReplicaOptimizer"/> per replica.
/// <para>
/// One full-batch step of one replica (<see cref="Step"/>) is the solo trainer's step operation by
/// operation: the same GEMM entry point and backend for each product of the forward pass and of
/// the autodiff rules (Rules.MatMul: dW = Gᵀ h, dh = G W), the same TensorPrimitives calls over the
/// same lengths for the transcendental and reducing ops, the same elementwise arithmetic in the
/// same order elsewhere (fused into single passes, <see cref="ReplicaKernels"/>). So a replica's
/// trajectory and metrics are bitwise those of its solo run (the tests check it); the contract is
/// 1e-12 relative in float64, so a future kernel of the solo path that this class does not mirror
/// shows up there first.
/// </para>
/// <para>
/// Each product runs serially on the thread that steps the replica — the batched GEMM's own
/// strategy for many small products (GemmBatchParallel: one product per thread), extended to the
/// whole step, so a replica's activations stay in that core's cache from forward to update. The
/// runner (<see cref="PreparedEnsemble{T}"/>) decides the loop order over replicas and steps.
/// </para>
/// </summary>
internal sealed unsafe class ReplicaBatch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _w;
    private readonly int _layers;
    private readonly bool _bias;
    private readonly Activation _act;
    private readonly double[] _mult;
    private readonly int[] _offW;
    private readonly int[] _offB;
    private readonly int _n;
    private readonly int _nTest;
    private readonly T* _x;
    private readonly T* _y;
    private readonly T* _xt;
    private readonly T* _yt;
    private readonly T[] _theta;
    private readonly T[] _theta0;
    private readonly T[]? _previous;
    private readonly T[] _s1;
    private readonly T[] _s2;
    private readonly ReplicaOptimizer[] _opt;
    private readonly ThreadLocal<Workspace> _workspaces;
    private readonly string[] _names;

    /// <summary>The pinned arrays behind the raw pointers (kept reachable for the batch's lifetime).</summary>
    private readonly List<Array> _pinned = [];

    /// <summary>Replicas, parameters per replica, training and test rows.</summary>
    public int R { get; }

    public int P { get; }

    public int Rows => _n;

    public int TestRows => _nTest;

    public IReadOnlyList<string> ParameterNames => _names;

    /// <summary>The parameter specs (names and shapes) in ParamSet order.</summary>
    public Mlp Model { get; }

    public ReplicaBatch(IReadOnlyList<Experiment<T>> experiments, bool keepPrevious)
    {
        R = experiments.Count;
        var e0 = experiments[0];
        Model = (Mlp)e0.Model;
        _w = [.. Model.Widths];
        _layers = Model.Layers;
        _bias = Model.Bias;
        _act = Model.Activation;
        _mult = Enumerable.Range(0, _layers).Select(Model.Multiplier).ToArray();
        _offW = new int[_layers];
        _offB = new int[_layers];
        int off = 0;
        for (int l = 0; l < _layers; l++)
        {
            _offW[l] = off;
            off += _w[l + 1] * _w[l];
            _offB[l] = off;
            off += _bias ? _w[l + 1] : 0;
        }
        P = off;
        _names = [.. e0.Initial.Names];
        _n = e0.Data.Train.Count;
        _nTest = e0.Data.Test?.Count ?? 0;
        int d0 = _w[0], k = _w[^1];
        _x = Alloc(R * _n * d0, _pinned);
        _y = Alloc(R * _n * k, _pinned);
        _xt = Alloc(R * _nTest * d0, _pinned);
        _yt = Alloc(R * _nTest * k, _pinned);
        _theta = GC.AllocateUninitializedArray<T>(R * P, pinned: true);
        _theta0 = new T[R * P];
        _previous = keepPrevious ? new T[R * P] : null;
        _opt = new ReplicaOptimizer[R];
        for (int r = 0; r < R; r++)
        {
            var e = experiments[r];
            if (e.Data.Train.Count != _n || e.Data.InputSize != d0 || e.Data.OutputSize != k || (e.Data.Test?.Count ?? 0) != _nTest)
            {
                throw new BadInputException($"replica {r}: data of another shape than replica 0's");
            }
            e.Data.Train.X.Span.CopyTo(new Span<T>(_x + (long)r * _n * d0, _n * d0));
            e.Data.Train.Y.Span.CopyTo(new Span<T>(_y + (long)r * _n * k, _n * k));
            if (e.Data.Test is { } test)
            {
                test.X.Span.CopyTo(new Span<T>(_xt + (long)r * _nTest * d0, _nTest * d0));
                test.Y.Span.CopyTo(new Span<T>(_yt + (long)r * _nTest * k, _nTest * k));
            }
            var flat = e.Initial.Flatten();
            if (flat.Length != P)
            {
                throw new BadInputException($"replica {r}: {flat.Length} parameters, replica 0 has {P}");
            }
            flat.CopyTo(_theta.AsSpan(r * P, P));
            _opt[r] = ReplicaOptimizer.Of(e.Trainer!.Options.Optimizer);
        }
        _theta.AsSpan().CopyTo(_theta0);
        if (_opt.Any(o => o.Core != _opt[0].Core))
        {
            throw new BadInputException("replicas use different optimiser kinds");
        }
        int slots = _opt[0].Slots;
        _s1 = slots >= 1 ? new T[R * P] : [];
        _s2 = slots >= 2 ? new T[R * P] : [];
        _workspaces = new ThreadLocal<Workspace>(() => new Workspace(this));
    }

    /// <summary>A pinned buffer (on the pinned object heap, so raw pointers stay valid while <paramref name="keep"/> holds it).</summary>
    private static T* Alloc(int count, List<Array> keep)
    {
        var a = GC.AllocateUninitializedArray<T>(Math.Max(1, count), pinned: true);
        keep.Add(a);
        return (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(a));
    }

    /// <summary>Replica r's parameters θ (its row of the [R, P] stack).</summary>
    public Span<T> Theta(int r) => _theta.AsSpan(r * P, P);

    public ReplicaOptimizer Optimizer(int r) => _opt[r];

    /// <summary>Releases the per-thread workspaces.</summary>
    public void Dispose() => _workspaces.Dispose();

    /// <summary>
    /// Step <paramref name="plan"/>.Step of replica r: returns the training loss at θ_k; then, unless the
    /// step is the last or the loss diverged (not finite or above plan.LossAbove), computes the
    /// gradient, appends the metrics due at this step to <paramref name="metrics"/> (names and order of
    /// the solo probes) and updates θ_k → θ_{k+1} in place. Safe to run concurrently for different replicas.
    /// </summary>
    public double Step(int r, in StepPlan plan, List<(string Name, double Value)> metrics)
    {
        var ws = _workspaces.Value!;
        int d0 = _w[0], k = _w[^1];
        T* x = _x + (long)r * _n * d0;
        T* y = _y + (long)r * _n * k;
        fixed (T* theta = &_theta[r * P])
        {
            Forward(ws, theta, x, _n);
            T* f = ws.Z[_layers - 1];
            double loss = MseLoss(f, y, ws.D, _n * k, _n);
            metrics.Clear();
            bool diverged = !plan.Last && (!double.IsFinite(loss) || loss > plan.LossAbove);
            if (diverged)
            {
                return loss;
            }
            double trainAccuracy = plan.Accuracy ? Accuracy(f, y, _n, k) : double.NaN;
            bool needGrad = !plan.Last || plan.GradNorm;
            if (needGrad)
            {
                Backward(ws, theta, x, y, _n);
            }
            double testLoss = double.NaN, testAccuracy = double.NaN;
            if (_nTest > 0 && (plan.Loss || plan.Accuracy))
            {
                T* xt = _xt + (long)r * _nTest * d0;
                T* yt = _yt + (long)r * _nTest * k;
                Forward(ws, theta, xt, _nTest);
                T* ft = ws.Z[_layers - 1];
                testLoss = MseLoss(ft, yt, ws.D, _nTest * k, _nTest);
                testAccuracy = Accuracy(ft, yt, _nTest, k);
            }
            var th = new ReadOnlySpan<T>(theta, P);
            foreach (var kind in plan.Due)
            {
                switch (kind)
                {
                    case ProbeKind.Loss:
                        metrics.Add(("loss/train", loss));
                        if (_nTest > 0)
                        {
                            metrics.Add(("loss/test", testLoss));
                        }
                        break;
                    case ProbeKind.Accuracy:
                        metrics.Add(("accuracy/train", trainAccuracy));
                        if (_nTest > 0)
                        {
                            metrics.Add(("accuracy/test", testAccuracy));
                        }
                        break;
                    case ProbeKind.GradNorm:
                        PerTensorNorms(new ReadOnlySpan<T>(ws.Grad, P), "grad_norm", metrics);
                        break;
                    case ProbeKind.ParamNorm:
                        PerTensorNorms(th, "param_norm", metrics);
                        break;
                    case ProbeKind.DistanceFromInit:
                        metrics.Add(("distance_from_init", Distance(th, _theta0.AsSpan(r * P, P))));
                        break;
                    case ProbeKind.UpdateNorm:
                        if (plan.Step > 0)
                        {
                            metrics.Add(("update_norm", Distance(th, _previous.AsSpan(r * P, P))));
                        }
                        break;
                    default:
                        throw new NotSupportedException($"probe {kind} in a replica batch");
                }
            }
            if (plan.Last)
            {
                return loss;
            }
            var theta1 = new Span<T>(theta, P);
            if (_previous is not null)
            {
                theta1.CopyTo(_previous.AsSpan(r * P, P));
            }
            _opt[r].Apply(theta1, new Span<T>(ws.Grad, P),
                _s1.Length > 0 ? _s1.AsSpan(r * P, P) : default,
                _s2.Length > 0 ? _s2.AsSpan(r * P, P) : default, plan.Step);
            return loss;
        }
    }

    /// <summary>f(θ, x) for <paramref name="rows"/> samples: Z[l] = op per layer as Mlp.Forward; A[l] the activations.</summary>
    private void Forward(Workspace ws, T* theta, T* x, int rows)
    {
        T* h = x;
        for (int l = 0; l < _layers; l++)
        {
            int fin = _w[l], fout = _w[l + 1];
            T* z = ws.Z[l];
            int size = rows * fout;
            // MatMul(h, W, transB: true): [rows, in] × [out, in]ᵀ.
            Gemm(false, true, rows, fout, fin, h, fin, theta + _offW[l], fin, z, fout);
            var zs = new Span<T>(z, size);
            if (_mult[l] != 1.0)
            {
                TensorPrimitives.Multiply(zs, T.CreateTruncating(_mult[l]), zs);
            }
            if (_bias)
            {
                T* b = theta + _offB[l];
                if (fout == 1)
                {
                    TensorPrimitives.Add(zs, *b, zs);
                }
                else
                {
                    ReplicaKernels.AddRowVector(zs, rows, fout, new ReadOnlySpan<T>(b, fout));
                }
            }
            if (l < _layers - 1)
            {
                h = Activate(z, ws.A[l], size);
            }
        }
    }

    /// <summary>The activation of one hidden layer over its whole [rows, width] block (as Activations.Apply on the tensor).</summary>
    private T* Activate(T* zp, T* a, int size)
    {
        var z = new ReadOnlySpan<T>(zp, size);
        var dst = new Span<T>(a, size);
        switch (_act)
        {
            case Activation.Tanh:
                ReplicaKernels.Tanh(z, dst);  // TensorPrimitives.Tanh's values, without its stack-alignment lottery
                return a;
            case Activation.Sigmoid:
                TensorPrimitives.Sigmoid<T>(z, dst);
                return a;
            case Activation.Relu:
                ElementwiseLoop.Unary<T, ReluOp<T>>(z, dst);
                return a;
            case Activation.Quadratic:
                ElementwiseLoop.Unary<T, SquareOp<T>>(z, dst);
                return a;
            case Activation.Linear:
                return zp;
            default:
                throw new NotSupportedException($"activation {_act} in a replica batch");
        }
    }

    /// <summary>Loss.Compute(mse): ½/n · Σ (f − y)², with D = f − y left in <paramref name="d"/> for the backward pass.</summary>
    private static double MseLoss(T* f, T* y, T* d, int size, int rows)
    {
        var ds = new Span<T>(d, size);
        TensorPrimitives.Subtract(new ReadOnlySpan<T>(f, size), new ReadOnlySpan<T>(y, size), ds);
        T sos = TensorPrimitives.SumOfSquares<T>(ds);
        return double.CreateTruncating(sos * T.CreateTruncating(0.5 / rows));
    }

    /// <summary>
    /// ∇θ of the MSE loss, into ws.Grad, by the autodiff rules of the solo graph: SumOfSquares
    /// (2·g·x), the bias Add (column sums), MulScalar, MatMul (dW = Gᵀ h, dh = G W) and the activation.
    /// Expects ws.D = f − y from the forward pass.
    /// </summary>
    private void Backward(Workspace ws, T* theta, T* x, T* y, int rows)
    {
        int k = _w[^1];
        // Seed 1 through MulScalar(·, ½/n) and SumOfSquares: G = D · ((½/n)·2).
        T c = T.CreateTruncating(0.5 / rows) * T.CreateTruncating(2.0);
        T* g = ws.G1;
        T* g2 = ws.G2;
        TensorPrimitives.Multiply(new ReadOnlySpan<T>(ws.D, rows * k), c, new Span<T>(g, rows * k));
        T* grad = ws.Grad;
        for (int l = _layers - 1; l >= 0; l--)
        {
            int fin = _w[l], fout = _w[l + 1];
            var gs = new Span<T>(g, rows * fout);
            if (_bias)
            {
                ColumnSums(gs, rows, fout, new Span<T>(grad + _offB[l], fout));
            }
            if (_mult[l] != 1.0)
            {
                TensorPrimitives.Multiply(gs, T.CreateTruncating(_mult[l]), gs);
            }
            T* h = l == 0 ? x : ActivationOutput(ws, l - 1);
            // dW = Gᵀ h: MatMul(g, h, transA: true).
            Gemm(true, false, fout, fin, rows, g, fout, h, fin, grad + _offW[l], fin);
            if (l == 0)
            {
                break;
            }
            // dh = G W: MatMul(g, W), then the activation's rule into the cotangent of Z[l-1].
            Gemm(false, false, rows, fin, fout, g, fout, theta + _offW[l], fin, g2, fin);
            ActivationBackward(new Span<T>(g2, rows * fin), ws, l - 1, rows * fin);
            T* swap = g;
            g = g2;
            g2 = swap;
        }
    }

    private T* ActivationOutput(Workspace ws, int layer) => _act == Activation.Linear ? ws.Z[layer] : ws.A[layer];

    /// <summary>The vjp rules of Rules.cs for the activation, elementwise with the same rounding.</summary>
    private void ActivationBackward(Span<T> g, Workspace ws, int layer, int size)
    {
        var z = new ReadOnlySpan<T>(ws.Z[layer], size);
        var a = new ReadOnlySpan<T>(ws.A[layer], size);
        switch (_act)
        {
            case Activation.Tanh:
                ReplicaKernels.TanhBackward(g, a);
                break;
            case Activation.Sigmoid:
                ReplicaKernels.SigmoidBackward(g, a);
                break;
            case Activation.Relu:
                // ReluMask(g, x)
                ElementwiseLoop.Binary<T, PassWherePositiveOp<T>>(g, z, g);
                break;
            case Activation.Quadratic:
                ReplicaKernels.SquareBackward(g, z);
                break;
            case Activation.Linear:
                break;
            default:
                throw new NotSupportedException($"activation {_act} in a replica batch");
        }
    }

    /// <summary>SumTo(g [rows, cols], [cols]) as ReduceKernels sums axis 0: TensorPrimitives.Sum for one column, row by row otherwise.</summary>
    private static void ColumnSums(ReadOnlySpan<T> g, int rows, int cols, Span<T> dst)
    {
        if (cols == 1)
        {
            dst[0] = TensorPrimitives.Sum(g[..rows]);
            return;
        }
        ReplicaKernels.ColumnSums(g, rows, cols, dst);
    }

    /// <summary>One product through the backend the solo MatMul would use, serially on this thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gemm(bool transA, bool transB, int m, int n, int k, T* a, int lda, T* b, int ldb, T* c, int ldc)
    {
        var backend = Tensors.Kernels.Gemm.Resolve<T>(Tensors.Kernels.Gemm.Backend, transA, transB, m, n, k);
        Tensors.Kernels.Gemm.Dispatch(backend, transA, transB, m, n, k, T.One, a, lda, b, ldb, T.Zero, c, ldc, maxThreads: 1);
    }

    /// <summary>Loss.Accuracy on raw rows: sign agreement for one output, argmax agreement otherwise.</summary>
    private static double Accuracy(T* f, T* y, int rows, int k)
    {
        int correct = 0;
        for (int i = 0; i < rows; i++)
        {
            if (k == 1)
            {
                correct += (f[i] > T.Zero) == (y[i] > T.Zero) ? 1 : 0;
                continue;
            }
            int af = 0, ay = 0;
            for (int j = 1; j < k; j++)
            {
                if (f[i * k + j] > f[i * k + af])
                {
                    af = j;
                }
                if (y[i * k + j] > y[i * k + ay])
                {
                    ay = j;
                }
            }
            correct += af == ay ? 1 : 0;
        }
        return rows == 0 ? 0 : (double)correct / rows;
    }

    /// <summary>As GradNormProbe / ParamNormProbe: "prefix/name" per tensor, then the global "prefix".</summary>
    private void PerTensorNorms(ReadOnlySpan<T> v, string prefix, List<(string, double)> metrics)
    {
        double total = 0;
        for (int i = 0; i < _names.Length; i++)
        {
            var (off, len) = TensorRange(i);
            double s = Norms.SquaredNorm(v.Slice(off, len));
            total += s;
            metrics.Add((prefix + "/" + _names[i], Math.Sqrt(s)));
        }
        metrics.Add((prefix, Math.Sqrt(total)));
    }

    /// <summary>Offset and length of parameter tensor i in a replica's flat vector.</summary>
    private (int Offset, int Length) TensorRange(int i)
    {
        int l = _bias ? i / 2 : i;
        bool isBias = _bias && i % 2 == 1;
        return isBias ? (_offB[l], _w[l + 1]) : (_offW[l], _w[l + 1] * _w[l]);
    }

    /// <summary>Norms.Distance on flat vectors (same summation order: tensor by tensor, element by element).</summary>
    private static double Distance(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
    {
        double s = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double d = double.CreateTruncating(a[j]) - double.CreateTruncating(b[j]);
            s += d * d;
        }
        return Math.Sqrt(s);
    }

    /// <summary>What step k computes and records (the same for every replica).</summary>
    /// <param name="Last">k = total: record only, no update (and no divergence check, as the trainer).</param>
    /// <param name="Due">The kinds of the probes due at step k, in spec order.</param>
    internal readonly record struct StepPlan(long Step, bool Last, double LossAbove, ProbeKind[] Due)
    {
        public bool Loss => Array.IndexOf(Due, ProbeKind.Loss) >= 0;

        public bool Accuracy => Array.IndexOf(Due, ProbeKind.Accuracy) >= 0;

        public bool GradNorm => Array.IndexOf(Due, ProbeKind.GradNorm) >= 0;
    }

    /// <summary>Per-thread scratch of one replica's step: activations, cotangents, gradient (stays in this core's cache).</summary>
    private sealed class Workspace
    {
        public readonly T*[] Z;
        public readonly T*[] A;
        public readonly T* D;
        public readonly T* G1;
        public readonly T* G2;
        public readonly T* Grad;
        private readonly List<Array> _pinned = [];

        public Workspace(ReplicaBatch<T> b)
        {
            int rows = Math.Max(b._n, b._nTest);
            int widest = b._w.Max();
            Z = new T*[b._layers];
            A = new T*[b._layers];
            for (int l = 0; l < b._layers; l++)
            {
                Z[l] = Alloc(rows * b._w[l + 1], _pinned);
                A[l] = l < b._layers - 1 ? Alloc(rows * b._w[l + 1], _pinned) : null;
            }
            D = Alloc(rows * b._w[^1], _pinned);
            G1 = Alloc(rows * widest, _pinned);
            G2 = Alloc(rows * widest, _pinned);
            Grad = Alloc(b.P, _pinned);
        }
    }
}
