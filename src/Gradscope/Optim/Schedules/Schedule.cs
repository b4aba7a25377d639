namespace Gradscope.Optim;

/// <summary>
/// A learning rate as a function of the 0-based step index (the number of updates taken before
/// the one being computed). Schedules are plain records: printable, comparable, serialisable.
/// </summary>
public abstract record Schedule
{
    /// <summary>The learning rate for update number <paramref name="step"/> (0-based, ≥ 0).</summary>
    public abstract double At(long step);

    /// <summary>This schedule preceded by a linear warm-up from <paramref name="initLr"/> to <c>At(0)</c> over <paramref name="warmupSteps"/> steps.</summary>
    public Schedule WithWarmup(long warmupSteps, double initLr = 0) => Schedules.WithWarmup(this, warmupSteps, initLr);

    protected static void CheckStep(long step)
    {
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "schedule step must be >= 0");
        }
    }
}

/// <summary>η_t = η.</summary>
public sealed record ConstantSchedule(double Lr) : Schedule
{
    public override double At(long step)
    {
        CheckStep(step);
        return Lr;
    }
}

/// <summary>Step decay (PyTorch StepLR): η_t = η · γ^⌊t / k⌋.</summary>
public sealed record StepDecaySchedule(double Lr, long StepSize, double Gamma) : Schedule
{
    public override double At(long step)
    {
        CheckStep(step);
        return Lr * Math.Pow(Gamma, step / StepSize);
    }
}

/// <summary>
/// Exponential decay: η_t = η · γ^(t / k) with k = <see cref="DecaySteps"/> (k = 1 is PyTorch's
/// ExponentialLR, η·γ^t; k &gt; 1 is TensorFlow's/optax's decay_rate per decay_steps, continuous).
/// </summary>
public sealed record ExponentialDecaySchedule(double Lr, double Gamma, long DecaySteps = 1) : Schedule
{
    public override double At(long step)
    {
        CheckStep(step);
        return DecaySteps == 1 ? Lr * Math.Pow(Gamma, step) : Lr * Math.Pow(Gamma, (double)step / DecaySteps);
    }
}

/// <summary>
/// Cosine decay (Loshchilov &amp; Hutter 2017, Eq. 5 without restarts; PyTorch CosineAnnealingLR's
/// closed form): η_t = η_min + ½(η − η_min)(1 + cos(π·min(t, T)/T)); constant η_min after T steps.
/// </summary>
public sealed record CosineDecaySchedule(double Lr, long DecaySteps, double FinalLr = 0) : Schedule
{
    public override double At(long step)
    {
        CheckStep(step);
        long t = Math.Min(step, DecaySteps);
        return FinalLr + 0.5 * (Lr - FinalLr) * (1 + Math.Cos(Math.PI * t / DecaySteps));
    }
}

/// <summary>
/// Linear interpolation from <see cref="From"/> (step 0) to <see cref="To"/> (step <see cref="Steps"/>),
/// constant afterwards: the linear warm-up and the linear decay to zero.
/// </summary>
public sealed record LinearSchedule(double From, double To, long Steps) : Schedule
{
    public override double At(long step)
    {
        CheckStep(step);
        return step >= Steps ? To : From + (To - From) * ((double)step / Steps);
    }
}

/// <summary>
/// SGDR, stochastic gradient descent with warm restarts (Loshchilov &amp; Hutter 2017, Eq. 5; PyTorch
/// CosineAnnealingWarmRestarts): cycle i lasts T_i = T0·T_mult^i steps and within it
/// η_t = η_min + ½(η − η_min)(1 + cos(π T_cur / T_i)), T_cur the steps since the last restart.
/// </summary>
public sealed record WarmRestartsSchedule(double Lr, long T0, long TMult = 1, double FinalLr = 0) : Schedule
{
    public override double At(long step)
    {
        CheckStep(step);
        // Walk the cycles in exact integer arithmetic so restarts land exactly on their steps.
        long cur = step, len = T0;
        if (TMult == 1)
        {
            cur = step % T0;
        }
        else
        {
            while (cur >= len)
            {
                cur -= len;
                len = checked(len * TMult);
            }
        }
        return FinalLr + 0.5 * (Lr - FinalLr) * (1 + Math.Cos(Math.PI * cur / len));
    }
}

/// <summary>
/// Schedules joined at boundaries (optax <c>join_schedules</c>): for B_k ≤ t &lt; B_{k+1} the value is
/// <c>Parts[k+1].At(t − B_k)</c>, so each part starts counting from 0 where it takes over.
/// </summary>
public sealed record JoinedSchedule(IReadOnlyList<Schedule> Parts, IReadOnlyList<long> Boundaries) : Schedule
{
    public override double At(long step)
    {
        CheckStep(step);
        int k = 0;
        while (k < Boundaries.Count && step >= Boundaries[k])
        {
            k++;
        }
        return Parts[k].At(k == 0 ? step : step - Boundaries[k - 1]);
    }
}
