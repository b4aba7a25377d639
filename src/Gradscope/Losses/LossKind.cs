namespace Gradscope.Losses;

/// <summary>Spec values: mse, cross-entropy, logistic, hinge.</summary>
public enum LossKind
{
    /// <summary>Mean over samples of 0.5·‖f(x) − y‖² (summed over outputs, halved: the convention under which Saxe et al.'s dynamics are stated).</summary>
    Mse,

    /// <summary>Mean over samples of −log softmax(f(x))[label], from logits, stably.</summary>
    CrossEntropy,

    /// <summary>Binary: mean of log(1 + exp(−y f(x))) with y ∈ {−1, +1}, stably (softplus).</summary>
    Logistic,

    /// <summary>Binary: mean of max(0, 1 − y f(x)) with y ∈ {−1, +1}.</summary>
    Hinge,
}
