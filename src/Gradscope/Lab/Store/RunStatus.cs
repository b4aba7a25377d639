namespace Gradscope.Lab.Store;

/// <summary>
/// Lifecycle of a run as stored in <c>runs.status</c>: created -> running -> one of the
/// terminal states. <see cref="Diverged"/> is a successful run whose loss blew up (exit code 0);
/// <see cref="Stopped"/> is an interrupted run that <c>gradscope resume</c> can continue.
/// </summary>
public enum RunStatus
{
    Created,
    Running,
    Completed,
    Diverged,
    Failed,
    Stopped,
}

/// <summary>The lower-case names stored in the database and printed by the CLI (DESIGN.md §3.1).</summary>
public static class RunStatusNames
{
    public static string ToName(this RunStatus status) => status switch
    {
        RunStatus.Created => "created",
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Diverged => "diverged",
        RunStatus.Failed => "failed",
        RunStatus.Stopped => "stopped",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown run status"),
    };

    public static bool TryParse(string? name, out RunStatus status)
    {
        switch (name)
        {
            case "created": status = RunStatus.Created; return true;
            case "running": status = RunStatus.Running; return true;
            case "completed": status = RunStatus.Completed; return true;
            case "diverged": status = RunStatus.Diverged; return true;
            case "failed": status = RunStatus.Failed; return true;
            case "stopped": status = RunStatus.Stopped; return true;
            default: status = default; return false;
        }
    }

    public static RunStatus Parse(string name) =>
        TryParse(name, out var s) ? s : throw new StoreException($"unknown run status '{name}' in the store (expected created|running|completed|diverged|failed|stopped)");

    /// <summary>True for the states a run ends in (<see cref="IRunStore.MarkFinished"/> accepts only these).</summary>
    public static bool IsTerminal(this RunStatus status) =>
        status is RunStatus.Completed or RunStatus.Diverged or RunStatus.Failed or RunStatus.Stopped;
}
