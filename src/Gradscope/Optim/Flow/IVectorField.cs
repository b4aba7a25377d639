using System.Numerics;

namespace Gradscope.Optim.Flow;

/// <summary>
/// The right-hand side of an autonomous or time-dependent ODE y' = F(t, y) on flat vectors
/// (parameters are flattened with <c>ParamSet.Flatten</c>). Implementations write every component
/// of <paramref name="dydt"/> and must be deterministic: resume relies on re-evaluations being bitwise equal.
/// </summary>
public interface IVectorField<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    void Evaluate(double t, ReadOnlySpan<T> y, Span<T> dydt);
}

/// <summary>Receives the solution at a requested output time (the span is only valid during the call).</summary>
public delegate void FlowOutput<T>(double t, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>The integration cannot proceed: step size underflow (stiffness or a non-finite field), or too many steps.</summary>
public sealed class FlowIntegrationException : Exception
{
    public double Time { get; }

    public FlowIntegrationException(string message, double time) : base(message) => Time = time;

    public FlowIntegrationException() : base("flow integration failed")
    {
    }

    public FlowIntegrationException(string message) : base(message)
    {
    }

    public FlowIntegrationException(string message, Exception inner) : base(message, inner)
    {
    }
}
