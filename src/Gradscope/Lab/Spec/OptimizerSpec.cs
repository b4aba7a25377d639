namespace Gradscope.Lab.Spec;

/// <summary>
/// <c>optimizer:</c> — a discrete optimiser (gd ... adagrad) or exact gradient flow. Fields a kind
/// does not use are null; for the kinds that use them, defaults are filled in.
/// </summary>
public sealed record OptimizerSpec
{
    public OptimizerKind Kind { get; init; }

    /// <summary>Learning rate (peak rate under a schedule); null only for flow.</summary>
    public double? Lr { get; init; }

    public double? Momentum { get; init; }

    /// <summary>adam/adamw: [β1, β2].</summary>
    public ValueList<double>? Betas { get; init; }

    public double? Eps { get; init; }

    public double? WeightDecay { get; init; }

    /// <summary>rmsprop: smoothing constant of the squared-gradient average.</summary>
    public double? Alpha { get; init; }

    /// <summary>Minibatch size; null = full batch.</summary>
    public int? BatchSize { get; init; }

    public double? ClipNorm { get; init; }

    public double? ClipValue { get; init; }

    /// <summary>Learning-rate schedule (discrete optimisers; null for flow).</summary>
    public ScheduleSpec? Schedule { get; init; }

    /// <summary>flow: integrator.</summary>
    public FlowMethod? Method { get; init; }

    /// <summary>flow/dopri5: relative and absolute error tolerances.</summary>
    public double? Rtol { get; init; }

    public double? Atol { get; init; }

    /// <summary>flow/rk4: fixed step in flow time.</summary>
    public double? Dt { get; init; }
}

/// <summary><c>optimizer.schedule:</c> — the learning rate over steps, with an optional linear warm-up.</summary>
public sealed record ScheduleSpec
{
    public ScheduleKind Kind { get; init; } = ScheduleKind.Constant;

    public long WarmupSteps { get; init; }

    public double WarmupInitLr { get; init; }

    public long? StepSize { get; init; }

    public double? Gamma { get; init; }

    public double? FinalLr { get; init; }

    public long? T0 { get; init; }

    public long? TMult { get; init; }
}

/// <summary>One entry of <c>probes:</c> — a measurement and its schedule.</summary>
public sealed record ProbeSpec
{
    public ProbeKind Kind { get; init; }

    /// <summary>Record every this many steps (a whole number) — or, under flow, this much flow time. Null when <see cref="Log"/> is set.</summary>
    public double? Every { get; init; }

    /// <summary>Record at this many log-spaced points over the run instead.</summary>
    public int? Log { get; init; }

    /// <summary>singular-values: how many per layer (the largest); sharpness: how many top Hessian eigenvalues; gradient-subspace: the dimension k.</summary>
    public int? Top { get; init; }

    /// <summary>sharpness: how many of the most negative Hessian eigenvalues.</summary>
    public int? Bottom { get; init; }

    /// <summary>sharpness: also the top eigenvalue of every layer's diagonal block.</summary>
    public bool? PerLayer { get; init; }

    /// <summary>Curvature probes: Lanczos residual tolerance.</summary>
    public double? Tol { get; init; }

    /// <summary>Curvature probes: the Hessian of the loss over the first this many training samples.</summary>
    public int? Samples { get; init; }

    /// <summary>hessian-trace, hessian-density: number of random (Rademacher) vectors.</summary>
    public int? Vectors { get; init; }

    /// <summary>hessian-density: Lanczos steps per vector.</summary>
    public int? LanczosSteps { get; init; }

    /// <summary>hessian-density: grid points of the stored density; roughness: intervals m per direction (m + 1 points).</summary>
    public int? Points { get; init; }

    /// <summary>roughness: number of random directions M.</summary>
    public int? Directions { get; init; }

    /// <summary>roughness: half-width l of the interval [−l, l] along each direction.</summary>
    public double? Radius { get; init; }

    /// <summary>hessian-density: Gaussian broadening (eigenvalue units).</summary>
    public double? Sigma { get; init; }
}
