using System.Diagnostics;
using System.Globalization;

namespace Gradscope.Cli.Lab;

/// <summary>
/// Progress on stderr: a live line (step, loss, ETA) when stderr is a terminal, otherwise a plain
/// line about every 10% of the run, so logs stay readable. Never touches stdout.
/// </summary>
internal sealed class ProgressReporter(TextWriter stderr, string label, double total, bool byTime)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _live = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
    private double _lastShown = -1;
    private long _lastTicks;

    public void Report(long step, double time, double loss)
    {
        double done = byTime ? time : step;
        double frac = total > 0 ? Math.Clamp(done / total, 0, 1) : 1;
        if (_live)
        {
            if (_clock.ElapsedTicks - _lastTicks < Stopwatch.Frequency / 10 && frac < 1)
            {
                return;
            }
            _lastTicks = _clock.ElapsedTicks;
            stderr.Write("\r" + Line(step, time, loss, frac) + "   ");
            if (frac >= 1)
            {
                stderr.WriteLine();
            }
            return;
        }
        if (frac - _lastShown >= 0.1 || (frac >= 1 && _lastShown < 1))
        {
            _lastShown = frac;
            stderr.WriteLine(Line(step, time, loss, frac));
        }
    }

    public void Finish()
    {
        if (_live && _lastTicks > 0)
        {
            stderr.WriteLine();
        }
    }

    private string Line(long step, double time, double loss, double frac)
    {
        double elapsed = _clock.Elapsed.TotalSeconds;
        string eta = frac > 0 && frac < 1 ? $" eta {elapsed * (1 - frac) / frac:F0}s" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{label} {frac * 100,5:F1}%  {(byTime ? $"t {time:G5}" : $"step {step}")}  loss {loss:G6}  {elapsed:F1}s{eta}");
    }
}
