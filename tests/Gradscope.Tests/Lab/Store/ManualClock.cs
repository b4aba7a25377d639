namespace Gradscope.Tests.Lab.Store;

/// <summary>A clock that moves only when told (timestamps and run ids become predictable).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
