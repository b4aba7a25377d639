namespace Gradscope.Optim;

/// <summary>Builds schedules from <see cref="ScheduleOptions"/>, and composes them.</summary>
public static class Schedules
{
    public static readonly string[] Kinds = ["constant", "step", "exponential", "cosine", "linear-decay", "sgdr"];

    /// <summary>
    /// Linear warm-up then <paramref name="main"/>: η_t = init + (peak − init)·t/W for t &lt; W with
    /// peak = main.At(0), then main.At(t − W). Zero warm-up steps returns <paramref name="main"/>.
    /// </summary>
    public static Schedule WithWarmup(Schedule main, long warmupSteps, double initLr = 0)
    {
        if (warmupSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warm-up steps must be >= 0");
        }
        return warmupSteps == 0 ? main : Join([new LinearSchedule(initLr, main.At(0), warmupSteps), main], [warmupSteps]);
    }

    /// <summary>Schedules joined at increasing boundaries (see <see cref="JoinedSchedule"/>).</summary>
    public static Schedule Join(IReadOnlyList<Schedule> parts, IReadOnlyList<long> boundaries)
    {
        if (parts.Count != boundaries.Count + 1)
        {
            throw new ArgumentException($"{parts.Count} schedules need {parts.Count - 1} boundaries, got {boundaries.Count}");
        }
        for (int i = 0; i < boundaries.Count; i++)
        {
            if (boundaries[i] < 0 || (i > 0 && boundaries[i] <= boundaries[i - 1]))
            {
                throw new ArgumentException($"schedule boundaries must be non-negative and increasing, got [{string.Join(", ", boundaries)}]");
            }
        }
        return new JoinedSchedule(parts.ToArray(), boundaries.ToArray());
    }

    /// <summary>The schedule described by <paramref name="o"/> with peak learning rate <paramref name="lr"/>.</summary>
    /// <exception cref="ArgumentException">An unknown kind or an invalid or missing option, naming the field.</exception>
    public static Schedule Create(ScheduleOptions o, double lr)
    {
        if (o.WarmupSteps < 0)
        {
            throw new ArgumentException($"schedule.warmup_steps: must be >= 0, got {o.WarmupSteps}");
        }
        long Decay()
        {
            long total = o.TotalSteps ?? throw new ArgumentException($"schedule.total_steps: required for kind '{o.Kind}'");
            long d = total - o.WarmupSteps;
            return d > 0 ? d : throw new ArgumentException($"schedule.total_steps: must exceed warmup_steps ({o.WarmupSteps}), got {total}");
        }
        Schedule main = o.Kind switch
        {
            "constant" => new ConstantSchedule(lr),
            "step" => new StepDecaySchedule(lr,
                Positive(o.StepSize ?? throw new ArgumentException("schedule.step_size: required for kind 'step'"), "schedule.step_size"),
                NonNegative(o.Gamma ?? 0.1, "schedule.gamma")),
            "exponential" => new ExponentialDecaySchedule(lr,
                NonNegative(o.Gamma ?? throw new ArgumentException("schedule.gamma: required for kind 'exponential'"), "schedule.gamma"),
                Positive(o.StepSize ?? 1, "schedule.step_size")),
            "cosine" => new CosineDecaySchedule(lr, Decay(), o.FinalLr),
            "linear-decay" => new LinearSchedule(lr, o.FinalLr, Decay()),
            "sgdr" => new WarmRestartsSchedule(lr,
                Positive(o.T0 ?? throw new ArgumentException("schedule.t0: required for kind 'sgdr'"), "schedule.t0"),
                Positive(o.TMult, "schedule.t_mult"), o.FinalLr),
            _ => throw new ArgumentException($"schedule.kind: must be one of {string.Join(" | ", Kinds)}, got '{o.Kind}'"),
        };
        return WithWarmup(main, o.WarmupSteps, o.WarmupInitLr);
    }

    private static long Positive(long v, string field) => v > 0 ? v : throw new ArgumentException($"{field}: must be > 0, got {v}");

    private static double NonNegative(double v, string field) => v >= 0 ? v : throw new ArgumentException($"{field}: must be >= 0, got {v}");
}
