using System.Numerics;

namespace Gradscope.Optim.Flow;

/// <summary>
/// A one-step ODE integrator with explicit state. <see cref="Step"/> advances by one accepted step
/// (never beyond a given end time) and keeps a dense-output interpolant of that step, so outputs
/// land exactly at requested times without shortening steps. The state can be read
/// (<see cref="State"/>) and restored (<see cref="Restore"/>) at any step boundary; continuing from a
/// restored state reproduces the uninterrupted trajectory bitwise.
/// </summary>
public abstract class FlowStepper<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected double Time;
    protected double PrevTime;
    protected T[] Y = [];
    protected T[] F = [];
    protected double H;
    protected double FacOld = 1e-4;
    protected long Accepted;
    protected long Rejected;
    protected long Evaluations;
    private bool _started;

    /// <summary>"rk4" or "dopri5".</summary>
    public abstract string Method { get; }

    /// <summary>Current time t (the end of the last accepted step).</summary>
    public double CurrentTime => Time;

    /// <summary>Start of the last accepted step (equal to <see cref="CurrentTime"/> before the first step).</summary>
    public double PreviousTime => PrevTime;

    /// <summary>The current solution (a view: copy it to keep it).</summary>
    public ReadOnlySpan<T> Current => Y;

    public int Dimension => Y.Length;

    /// <summary>A snapshot of the state (deep copy).</summary>
    public FlowState<T> State
    {
        get
        {
            RequireStarted();
            return new FlowState<T>(Method, Time, (T[])Y.Clone(), (T[])F.Clone(), H, FacOld, Accepted, Rejected, Evaluations);
        }
    }

    /// <summary>Starts at (t0, y0): evaluates F(t0, y0) and chooses the first step size.</summary>
    public void Reset(IVectorField<T> field, double t0, ReadOnlySpan<T> y0)
    {
        if (!double.IsFinite(t0))
        {
            throw new ArgumentOutOfRangeException(nameof(t0), t0, "start time must be finite");
        }
        Time = PrevTime = t0;
        Y = y0.ToArray();
        F = new T[Y.Length];
        Accepted = Rejected = Evaluations = 0;
        FacOld = 1e-4;
        Allocate(Y.Length);
        Eval(field, t0, Y, F);
        H = InitialStep(field);
        _started = true;
    }

    /// <summary>Continues from a saved state (deep-copied).</summary>
    public void Restore(FlowState<T> state)
    {
        if (state.Method != Method)
        {
            throw new ArgumentException($"flow state was written by {state.Method}, this stepper is {Method}", nameof(state));
        }
        if (state.Y.Length != state.F.Length)
        {
            throw new ArgumentException($"flow state: y has {state.Y.Length} values, f has {state.F.Length}", nameof(state));
        }
        Time = PrevTime = state.Time;
        Y = (T[])state.Y.Clone();
        F = (T[])state.F.Clone();
        H = state.H;
        FacOld = state.FacOld;
        Accepted = state.Accepted;
        Rejected = state.Rejected;
        Evaluations = state.Evaluations;
        Allocate(Y.Length);
        _started = true;
    }

    /// <summary>Advances by one accepted step, ending at or before <paramref name="tMax"/>.</summary>
    /// <exception cref="FlowIntegrationException">The step size underflowed (a non-finite field or extreme stiffness).</exception>
    public void Step(IVectorField<T> field, double tMax)
    {
        RequireStarted();
        if (!(tMax > Time))
        {
            throw new ArgumentOutOfRangeException(nameof(tMax), tMax, $"end time must exceed the current time {Time}");
        }
        TakeStep(field, tMax);
    }

    /// <summary>The dense-output value at <paramref name="t"/> within the last accepted step [PreviousTime, CurrentTime].</summary>
    public void Interpolate(double t, Span<T> y)
    {
        RequireStarted();
        if (y.Length != Y.Length)
        {
            throw new ArgumentException($"output has {y.Length} values, the state {Y.Length}", nameof(y));
        }
        if (t == Time)
        {
            Y.CopyTo(y);
            return;
        }
        if (!(t >= PrevTime && t <= Time))
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, $"dense output covers only the last step [{PrevTime}, {Time}]");
        }
        DenseOutput(t, y);
    }

    protected abstract void Allocate(int n);

    protected abstract double InitialStep(IVectorField<T> field);

    protected abstract void TakeStep(IVectorField<T> field, double tMax);

    protected abstract void DenseOutput(double t, Span<T> y);

    protected void Eval(IVectorField<T> field, double t, ReadOnlySpan<T> y, Span<T> dydt)
    {
        field.Evaluate(t, y, dydt);
        Evaluations++;
    }

    private void RequireStarted()
    {
        if (!_started)
        {
            throw new InvalidOperationException($"{Method}: call Reset or Restore first");
        }
    }
}
