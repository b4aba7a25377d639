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
internal sealed partial class LandscapeEvaluator<T> where T : unmanaged, IFloatingPointIeee754<T>
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
}
