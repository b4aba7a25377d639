using Gradscope.Optim;

namespace Gradscope.Tests.Optim;

/// <summary>Schedules at hand-computed steps, boundaries included.</summary>
public class ScheduleTests
{
    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-15 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Constant()
    {
        var s = new ConstantSchedule(0.3);
        Assert.Equal(0.3, s.At(0));
        Assert.Equal(0.3, s.At(1_000_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.At(-1));
    }

    [Fact]
    public void StepDecayChangesExactlyAtMultiplesOfTheStepSize()
    {
        var s = new StepDecaySchedule(1.0, 10, 0.1);
        Assert.Equal(1.0, s.At(0));
        Assert.Equal(1.0, s.At(9));
        Close(0.1, s.At(10));
        Close(0.1, s.At(19));
        Close(0.01, s.At(20));
    }

    [Fact]
    public void ExponentialDecay()
    {
        Close(2 * 0.5 * 0.5 * 0.5, new ExponentialDecaySchedule(2.0, 0.5).At(3));
        // Continuous decay per 4 steps: γ^(t/4); at t = 2 this is sqrt(γ).
        Close(Math.Sqrt(0.25), new ExponentialDecaySchedule(1.0, 0.25, 4).At(2));
        Close(0.25, new ExponentialDecaySchedule(1.0, 0.25, 4).At(4));
    }

    [Fact]
    public void CosineDecaysToTheFinalValue()
    {
        var s = new CosineDecaySchedule(1.0, 100, 0.1);
        Close(1.0, s.At(0));
        Close(0.1 + (0.45 * (1 + Math.Cos(Math.PI / 4))), s.At(25));  // ½(1 − 0.1)(1 + cos(π/4))
        Close(0.55, s.At(50));                                          // midpoint: (η + η_min)/2
        Close(0.1, s.At(100));
        Close(0.1, s.At(150));
    }

    [Fact]
    public void LinearWarmupAndDecay()
    {
        var up = new LinearSchedule(0, 0.4, 4);
        Assert.Equal([0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.4], Enumerable.Range(0, 6).Select(t => up.At(t)));
        var down = new LinearSchedule(0.5, 0, 10);
        Close(0.5, down.At(0));
        Close(0.25, down.At(5));
        Assert.Equal(0, down.At(10));
        Assert.Equal(0, down.At(11));
    }

    [Fact]
    public void WarmRestartsWithConstantCycles()
    {
        var s = new WarmRestartsSchedule(1.0, 10, 1, 0);
        Close(1.0, s.At(0));
        Close(0.5, s.At(5));
        Close(0.5 * (1 + Math.Cos(Math.PI * 0.9)), s.At(9));
        Close(1.0, s.At(10));   // restart
        Close(0.5, s.At(25));
    }

    [Fact]
    public void WarmRestartsWithGrowingCycles()
    {
        // T0 = 2, T_mult = 3: cycles [0,2), [2,8), [8,26), restarts at 2, 8, 26 (PyTorch CosineAnnealingWarmRestarts).
        var s = new WarmRestartsSchedule(1.0, 2, 3, 0.2);
        double Expected(long cur, long len) => 0.2 + (0.4 * (1 + Math.Cos(Math.PI * cur / len)));
        Close(1.0, s.At(0));
        Close(Expected(1, 2), s.At(1));
        Close(1.0, s.At(2));
        Close(Expected(3, 6), s.At(5));
        Close(Expected(5, 6), s.At(7));
        Close(1.0, s.At(8));
        Close(Expected(17, 18), s.At(25));
        Close(1.0, s.At(26));
    }

    [Fact]
    public void WarmupThenAnySchedule()
    {
        var s = new CosineDecaySchedule(0.8, 10).WithWarmup(4);
        // Warm-up: 0.8·t/4 for t < 4; then the cosine restarted at its step 0.
        Close(0, s.At(0));
        Close(0.2, s.At(1));
        Close(0.6, s.At(3));
        Close(0.8, s.At(4));
        Close(0.4, s.At(9));    // cosine step 5 of 10: midpoint
        Close(0, s.At(14));
        var st = new StepDecaySchedule(1, 3, 0.5).WithWarmup(2, initLr: 0.5);
        Assert.Equal([0.5, 0.75, 1, 1, 1, 0.5], Enumerable.Range(0, 6).Select(t => st.At(t)));
    }

    [Fact]
    public void JoinCountsEachPartFromItsBoundary()
    {
        var s = Schedules.Join([new ConstantSchedule(1), new LinearSchedule(10, 0, 10), new ConstantSchedule(7)], [3, 8]);
        Assert.Equal(1, s.At(2));
        Assert.Equal(10, s.At(3));
        Assert.Equal(8, s.At(5));     // linear part at its step 2: 10 − 2
        Assert.Equal(7, s.At(8));
        Assert.Throws<ArgumentException>(() => Schedules.Join([new ConstantSchedule(1), new ConstantSchedule(2)], [5, 6]));
    }

    [Fact]
    public void FactoryBuildsEachKindWithWarmup()
    {
        Schedule S(ScheduleOptions o) => Schedules.Create(o, 1.0);
        Close(0.5, S(new ScheduleOptions { Kind = "step", StepSize = 5, Gamma = 0.5 }).At(5));
        Close(0.1, S(new ScheduleOptions { Kind = "step", StepSize = 5 }).At(7)); // PyTorch's γ = 0.1
        Close(0.81, S(new ScheduleOptions { Kind = "exponential", Gamma = 0.9 }).At(2));
        // cosine over total_steps − warmup_steps = 8 steps after a 2-step warm-up.
        var c = S(new ScheduleOptions { Kind = "cosine", TotalSteps = 10, WarmupSteps = 2, FinalLr = 0.2 });
        Close(0.5, c.At(1));
        Close(1.0, c.At(2));
        Close(0.6, c.At(6));
        Close(0.2, c.At(10));
        var l = S(new ScheduleOptions { Kind = "linear-decay", TotalSteps = 10 });
        Close(0.5, l.At(5));
        Assert.Equal(0, l.At(10));
        Close(1.0, S(new ScheduleOptions { Kind = "sgdr", T0 = 4, TMult = 2 }).At(12));
        Assert.IsType<ConstantSchedule>(S(new ScheduleOptions()));
    }

    [Fact]
    public void FactoryNamesMissingAndInvalidFields()
    {
        Assert.Contains("schedule.total_steps", Assert.Throws<ArgumentException>(() => Schedules.Create(new ScheduleOptions { Kind = "cosine" }, 1)).Message);
        Assert.Contains("schedule.kind", Assert.Throws<ArgumentException>(() => Schedules.Create(new ScheduleOptions { Kind = "cyclic" }, 1)).Message);
        Assert.Contains("schedule.t0", Assert.Throws<ArgumentException>(() => Schedules.Create(new ScheduleOptions { Kind = "sgdr" }, 1)).Message);
        Assert.Contains("schedule.step_size", Assert.Throws<ArgumentException>(() => Schedules.Create(new ScheduleOptions { Kind = "step", StepSize = 0 }, 1)).Message);
        Assert.Contains("schedule.total_steps", Assert.Throws<ArgumentException>(() => Schedules.Create(new ScheduleOptions { Kind = "linear-decay", TotalSteps = 5, WarmupSteps = 5 }, 1)).Message);
    }
}
