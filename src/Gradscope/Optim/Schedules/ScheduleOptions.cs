namespace Gradscope.Optim;

/// <summary>
/// The schedule part of an optimiser spec. Kind: constant | step | exponential | cosine |
/// linear-decay | sgdr; any kind may be preceded by a linear warm-up of <see cref="WarmupSteps"/>
/// steps. The peak learning rate is the optimiser's <c>lr</c>.
/// </summary>
public sealed record ScheduleOptions
{
    public string Kind { get; init; } = "constant";

    /// <summary>Linear warm-up from <see cref="WarmupInitLr"/> to the peak over this many steps (0 = none).</summary>
    public long WarmupSteps { get; init; }

    public double WarmupInitLr { get; init; }

    /// <summary>step: decay every StepSize steps; exponential: the γ exponent is t / StepSize (default 1).</summary>
    public long? StepSize { get; init; }

    /// <summary>Decay factor of step (default 0.1, as PyTorch StepLR) and exponential (required).</summary>
    public double? Gamma { get; init; }

    /// <summary>End value of cosine, linear-decay and sgdr (η_min); default 0.</summary>
    public double FinalLr { get; init; }

    /// <summary>sgdr: length of the first cycle, and the factor each cycle grows by (integer ≥ 1).</summary>
    public long? T0 { get; init; }

    public long TMult { get; init; } = 1;

    /// <summary>
    /// cosine and linear-decay: total steps of the run, warm-up included; the decay takes
    /// TotalSteps − WarmupSteps steps. The trainer fills it with the run's step count when unset.
    /// </summary>
    public long? TotalSteps { get; init; }
}
