namespace Gradscope.Optim;

/// <summary>
/// The optimiser part of a spec as plain data. Unset (null) values take PyTorch's defaults for the
/// kind (see <see cref="Optimizers.Create{T}"/> and docs/optimizers.md).
/// Kind: gd | sgd | momentum | nesterov | adam | adamw | rmsprop | adagrad.
/// </summary>
public sealed record OptimizerOptions
{
    public string Kind { get; init; } = "gd";

    /// <summary>Peak learning rate. Required for gd/sgd/momentum/nesterov (PyTorch SGD has no default); adam/adamw 1e-3, rmsprop/adagrad 1e-2.</summary>
    public double? Lr { get; init; }

    /// <summary>momentum/nesterov: default 0.9; rmsprop: default 0 (no momentum buffer).</summary>
    public double? Momentum { get; init; }

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    /// <summary>Default 1e-8 (adam, adamw, rmsprop) or 1e-10 (adagrad).</summary>
    public double? Eps { get; init; }

    /// <summary>Coupled L2 decay (g + λθ) for every kind but adamw, whose decay is decoupled; default 0, adamw 1e-2.</summary>
    public double? WeightDecay { get; init; }

    /// <summary>RMSprop smoothing constant α (default 0.99).</summary>
    public double Alpha { get; init; } = 0.99;

    /// <summary>Adagrad learning-rate decay (default 0) and initial accumulator value (default 0).</summary>
    public double LrDecay { get; init; }

    public double InitialAccumulator { get; init; }

    /// <summary>Clip the gradients to this global norm before anything else (PyTorch clip_grad_norm_).</summary>
    public double? ClipNorm { get; init; }

    /// <summary>Clip each gradient component to [−c, c] (PyTorch clip_grad_value_); applied before ClipNorm.</summary>
    public double? ClipValue { get; init; }

    /// <summary>Learning-rate schedule (null = constant).</summary>
    public ScheduleOptions? Schedule { get; init; }
}
