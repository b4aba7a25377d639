namespace Gradscope.Cli;

/// <summary>The process exit codes every command uses (DESIGN.md 3.1).</summary>
public static class ExitCodes
{
    /// <summary>Success (a diverged run is a successful run whose status is diverged).</summary>
    public const int Success = 0;

    /// <summary>Internal error: a bug or an environment failure, not the user's input.</summary>
    public const int InternalError = 1;

    /// <summary>Bad input: arguments, specs, files.</summary>
    public const int BadInput = 2;
}
