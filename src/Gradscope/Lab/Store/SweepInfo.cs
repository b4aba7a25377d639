using System.Text;

namespace Gradscope.Lab.Store;

/// <summary>A trial's place in the queue, stored as its lower-case name in <c>trials.status</c>.</summary>
public enum TrialStatus
{
    Queued,
    Running,
    Completed,
    Diverged,
    Failed,
}

public static class TrialStatusNames
{
    public static string ToName(this TrialStatus status) => status switch
    {
        TrialStatus.Queued => "queued",
        TrialStatus.Running => "running",
        TrialStatus.Completed => "completed",
        TrialStatus.Diverged => "diverged",
        TrialStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown trial status"),
    };

    public static TrialStatus Parse(string name) => name switch
    {
        "queued" => TrialStatus.Queued,
        "running" => TrialStatus.Running,
        "completed" => TrialStatus.Completed,
        "diverged" => TrialStatus.Diverged,
        "failed" => TrialStatus.Failed,
        _ => throw new StoreException($"unknown trial status '{name}' in the store (expected queued|running|completed|diverged|failed)"),
    };

    /// <summary>Completed, diverged and failed: what <see cref="ISweepStore.FinishTrial"/> accepts.</summary>
    public static bool IsTerminal(this TrialStatus status) => status is TrialStatus.Completed or TrialStatus.Diverged or TrialStatus.Failed;
}

/// <summary>One row of <c>sweeps</c> with its trials counted by status.</summary>
/// <param name="Id">Derived from the name: lower-case <c>[a-z0-9-]</c> (<see cref="SweepIds.FromName"/>).</param>
/// <param name="SpecJson">The sweep spec as given to <see cref="ISweepStore.CreateSweep"/>.</param>
/// <param name="Running">Includes trials whose lease has expired and that nobody has re-claimed yet.</param>
public sealed record SweepInfo(
    string Id,
    string Name,
    string SpecJson,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Trials,
    int Queued,
    int Running,
    int Completed,
    int Diverged,
    int Failed)
{
    /// <summary>No trial is queued or running.</summary>
    public bool IsDone => Queued == 0 && Running == 0;
}

/// <summary>One row of <c>trials</c>.</summary>
/// <param name="Trial">0-based index into the sweep's trial list.</param>
/// <param name="AxesJson">JSON object of this trial's axis values (axis path → value).</param>
/// <param name="RunId">The trial's run once attached; a re-claimed trial resumes it.</param>
/// <param name="Worker">Who holds (or last held) the trial.</param>
/// <param name="LeaseUntil">When a running trial's lease expires (null when not running).</param>
/// <param name="Attempts">How many times the trial has been claimed.</param>
public sealed record TrialInfo(
    string SweepId,
    int Trial,
    TrialStatus Status,
    string AxesJson,
    string? RunId,
    string? Worker,
    DateTimeOffset? LeaseUntil,
    int Attempts,
    string? Error,
    DateTimeOffset UpdatedAt);

/// <summary>Sweep ids: the sweep's name lower-cased to <c>[a-z0-9-]</c>, so that re-creating a sweep finds it again.</summary>
public static class SweepIds
{
    public const int MaxLength = 64;

    /// <summary>Default limit on claims of a trial whose worker keeps dying (<see cref="ISweepStore.ClaimTrial"/>).</summary>
    public const int DefaultMaxAttempts = 3;

    /// <summary>
    /// <c>"LR sweep (Adam)"</c> → <c>lr-sweep-adam</c>: letters and digits lower-cased, every other run of
    /// characters one '-', none at either end, at most 64 characters. A name with no letter or digit is an
    /// <see cref="ArgumentException"/>.
    /// </summary>
    public static string FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(Math.Min(name.Length, MaxLength));
        bool dash = false;
        foreach (char c in name)
        {
            if (sb.Length >= MaxLength)
            {
                break;
            }
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (dash && sb.Length > 0)
                {
                    sb.Append('-');
                }
                dash = false;
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                dash = true;
            }
        }
        if (sb.Length > MaxLength)
        {
            sb.Length = MaxLength;
        }
        string id = sb.ToString().TrimEnd('-');
        return id.Length > 0 ? id : throw new ArgumentException($"sweep name '{name}' has no letter or digit to make an id of", nameof(name));
    }
}
