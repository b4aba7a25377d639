using System.Numerics;

namespace Gradscope.Optim.Flow;

/// <summary>
/// Drives a <see cref="FlowStepper{T}"/> from t0 to tEnd and reports the solution exactly at the
/// requested output times: each output is the stepper's dense-output interpolant evaluated at that
/// time inside the step that covers it (or the step's end value when they coincide) — steps are
/// never shortened for outputs, so the trajectory does not depend on how often one looks at it.
/// </summary>
public static class FlowIntegrator
{
    /// <summary>Integrates y' = F(t, y) from (t0, y0) to tEnd; outputs at t0 are reported before the first step.</summary>
    /// <param name="outputTimes">Ascending times in [t0, tEnd].</param>
    /// <param name="afterStep">Called after every accepted step (e.g. to checkpoint <c>stepper.State</c>); return false to stop early.</param>
    /// <returns>The final state.</returns>
    public static FlowState<T> Integrate<T>(FlowStepper<T> stepper, IVectorField<T> field, ReadOnlySpan<T> y0, double t0, double tEnd,
        IReadOnlyList<double> outputTimes, FlowOutput<T> onOutput, Func<FlowStepper<T>, bool>? afterStep = null, long maxSteps = 10_000_000)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(tEnd >= t0))
        {
            throw new ArgumentOutOfRangeException(nameof(tEnd), tEnd, $"end time must be >= start time {t0}");
        }
        CheckOutputs(outputTimes, t0, tEnd);
        stepper.Reset(field, t0, y0);
        int next = 0;
        while (next < outputTimes.Count && outputTimes[next] == t0)
        {
            onOutput(t0, stepper.Current);
            next++;
        }
        return Run(stepper, field, tEnd, outputTimes, next, onOutput, afterStep, maxSteps);
    }

    /// <summary>
    /// Continues from the stepper's current state (e.g. after <see cref="FlowStepper{T}.Restore"/>) to tEnd,
    /// reporting only outputs strictly after the current time (those at or before it were reported before
    /// the interruption). With the same tEnd, the trajectory equals the uninterrupted one bitwise.
    /// </summary>
    public static FlowState<T> Continue<T>(FlowStepper<T> stepper, IVectorField<T> field, double tEnd,
        IReadOnlyList<double> outputTimes, FlowOutput<T> onOutput, Func<FlowStepper<T>, bool>? afterStep = null, long maxSteps = 10_000_000)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double t = stepper.CurrentTime;
        if (!(tEnd >= t))
        {
            throw new ArgumentOutOfRangeException(nameof(tEnd), tEnd, $"end time must be >= the current time {t}");
        }
        CheckOutputs(outputTimes, double.NegativeInfinity, tEnd);
        int next = 0;
        while (next < outputTimes.Count && outputTimes[next] <= t)
        {
            next++;
        }
        return Run(stepper, field, tEnd, outputTimes, next, onOutput, afterStep, maxSteps);
    }

    /// <summary>Output times t0, t0 + Δ, t0 + 2Δ, … ≤ tEnd computed as t0 + kΔ (no accumulated rounding), with tEnd appended.</summary>
    public static double[] Every(double t0, double tEnd, double interval)
    {
        if (!(interval > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "output interval must be > 0");
        }
        var r = new List<double>();
        for (long k = 0; ; k++)
        {
            double t = t0 + (k * interval);
            // Tolerate rounding so that e.g. 10 × 0.1 lands on 1.0 rather than being dropped.
            if (t > tEnd * (1 + 1e-12) + 1e-300)
            {
                break;
            }
            r.Add(Math.Min(t, tEnd));
        }
        if (r[^1] != tEnd)
        {
            r.Add(tEnd);
        }
        return [.. r];
    }

    private static FlowState<T> Run<T>(FlowStepper<T> stepper, IVectorField<T> field, double tEnd, IReadOnlyList<double> outputTimes, int next,
        FlowOutput<T> onOutput, Func<FlowStepper<T>, bool>? afterStep, long maxSteps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var buffer = new T[stepper.Dimension];
        long steps = 0;
        while (stepper.CurrentTime < tEnd)
        {
            if (++steps > maxSteps)
            {
                throw new FlowIntegrationException($"{stepper.Method}: more than {maxSteps} steps before t = {tEnd} (stopped at t = {stepper.CurrentTime})", stepper.CurrentTime);
            }
            stepper.Step(field, tEnd);
            double t = stepper.CurrentTime;
            while (next < outputTimes.Count && outputTimes[next] <= t)
            {
                double to = outputTimes[next++];
                if (to == t)
                {
                    onOutput(t, stepper.Current);
                }
                else
                {
                    stepper.Interpolate(to, buffer);
                    onOutput(to, buffer);
                }
            }
            if (afterStep is not null && !afterStep(stepper))
            {
                break;
            }
        }
        return stepper.State;
    }

    private static void CheckOutputs(IReadOnlyList<double> times, double t0, double tEnd)
    {
        for (int i = 0; i < times.Count; i++)
        {
            if (!(times[i] >= t0 && times[i] <= tEnd))
            {
                throw new ArgumentOutOfRangeException(nameof(times), times[i], $"output time outside [{t0}, {tEnd}]");
            }
            if (i > 0 && times[i] < times[i - 1])
            {
                throw new ArgumentException($"output times must be ascending ({times[i - 1]} then {times[i]})", nameof(times));
            }
        }
    }
}
