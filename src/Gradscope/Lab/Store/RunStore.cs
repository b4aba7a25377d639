namespace Gradscope.Lab.Store;

/// <summary>
/// Opens the run store named on the command line (DESIGN.md §3.1): <c>--store</c>, else the
/// environment variable <c>GRADSCOPE_STORE</c>, else <c>./runs</c>. A directory gives the embedded
/// SQLite store; a <c>postgres://</c> or <c>postgresql://</c> URL selects PostgreSQL (issue 6).
/// </summary>
public static class RunStore
{
    public const string EnvironmentVariable = "GRADSCOPE_STORE";

    public const string DefaultLocation = "./runs";

    /// <summary>The database file inside a directory store.</summary>
    public const string DatabaseFileName = "gradscope.db";

    /// <summary>The location to use: the first non-blank of <paramref name="location"/>, <c>GRADSCOPE_STORE</c>, <c>./runs</c>.</summary>
    public static string ResolveLocation(string? location) => ResolveLocation(location, Environment.GetEnvironmentVariable);

    internal static string ResolveLocation(string? location, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(location))
        {
            return location.Trim();
        }
        string? env = environment(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(env) ? DefaultLocation : env.Trim();
    }

    public static bool IsPostgresUrl(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Opens (creating if needed, and migrating to the current schema) the store at
    /// <paramref name="location"/> resolved as in <see cref="ResolveLocation(string?)"/>.
    /// Throws <see cref="StoreException"/> for a location that cannot be used.
    /// </summary>
    public static IRunStore Open(string? location = null)
    {
        string resolved = ResolveLocation(location);
        if (IsPostgresUrl(resolved))
        {
            throw new StoreException($"store {RedactPassword(resolved)}: PostgreSQL stores arrive with sweeps (issue 6); use a directory store for now");
        }
        if (resolved.Contains("://", StringComparison.Ordinal))
        {
            throw new StoreException($"store {RedactPassword(resolved)}: unsupported URL scheme; give a directory or a postgres:// URL");
        }
        return SqliteRunStore.Open(resolved);
    }

    /// <summary>A URL safe to print: <c>postgres://user:secret@host/db</c> becomes <c>postgres://user:***@host/db</c>.</summary>
    public static string RedactPassword(string location)
    {
        int scheme = location.IndexOf("://", StringComparison.Ordinal);
        int at = location.IndexOf('@', StringComparison.Ordinal);
        if (scheme < 0 || at < 0)
        {
            return location;
        }
        int colon = location.IndexOf(':', scheme + 3);
        return colon >= 0 && colon < at ? string.Concat(location.AsSpan(0, colon + 1), "***", location.AsSpan(at)) : location;
    }
}
