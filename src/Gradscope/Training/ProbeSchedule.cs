using System.Numerics;
using Gradscope.Probes;

namespace Gradscope.Training;

/// <summary>
/// When a probe records. Discrete optimisers: every k steps (always at step 0 and at the last
/// step), or at <c>log</c> roughly log-spaced steps (0, 1, 2, ..., geometric up to the last).
/// Gradient flow: every Δt of time (the integrator lands exactly on those times).
/// </summary>
public sealed class ProbeSchedule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly HashSet<long>? _logSteps;

    public IProbe<T> Probe { get; }

    public long Every { get; }

    public double EveryTime { get; }

    private ProbeSchedule(IProbe<T> probe, long every, double everyTime, HashSet<long>? logSteps)
    {
        Probe = probe;
        Every = every;
        EveryTime = everyTime;
        _logSteps = logSteps;
    }

    public static ProbeSchedule<T> EverySteps(IProbe<T> probe, long every) =>
        new(probe, Math.Max(1, every), double.NaN, null);

    public static ProbeSchedule<T> EveryTimeInterval(IProbe<T> probe, double every) =>
        every > 0 ? new(probe, 0, every, null) : throw new ArgumentOutOfRangeException(nameof(every), "time interval must be > 0");

    /// <summary><paramref name="points"/> log-spaced record steps over [0, total].</summary>
    public static ProbeSchedule<T> LogSpaced(IProbe<T> probe, int points, long total) =>
        new(probe, 0, double.NaN, LogSteps(points, total));

    public static HashSet<long> LogSteps(int points, long total)
    {
        var s = new HashSet<long> { 0, total };
        if (total <= 0 || points <= 2)
        {
            return s;
        }
        for (int i = 0; i < points - 1; i++)
        {
            s.Add((long)Math.Round(Math.Pow(total + 1.0, (double)i / (points - 2)) - 1));
        }
        return s;
    }

    /// <summary>True when the probe records at <paramref name="step"/> of a run of <paramref name="total"/> steps.</summary>
    public bool Due(long step, long total) =>
        _logSteps is not null ? _logSteps.Contains(step) : step % Every == 0 || step == total;
}
