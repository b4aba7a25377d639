namespace Gradscope.Lab.Store;

/// <summary>
/// Opens the run store named on the command line (DESIGN.md §3.1): <c>--store</c>, else the
/// environment variable <c>GRADSCOPE_STORE</c>, else <c>./runs</c>. A directory gives the embedded
/// SQLite store; a <c>postgres://</c> or <c>postgresql://</c> URL selects PostgreSQL
/// (<see cref="PostgresLocation"/> lists its options; docs/store.md).
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
            return PostgresRunStore.Open(resolved);
        }
        if (resolved.Contains("://", StringComparison.Ordinal))
        {
            throw new StoreException($"store {RedactPassword(resolved)}: unsupported URL scheme; give a directory or a postgres:// URL");
        }
        return SqliteRunStore.Open(resolved);
    }

    /// <summary>
    /// A URL safe to print: <c>postgres://user:secret@host/db</c> becomes <c>postgres://user:***@host/db</c>,
    /// and a <c>password=</c> option's value becomes <c>***</c>.
    /// </summary>
    public static string RedactPassword(string location)
    {
        int scheme = location.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return location;
        }
        int query = location.IndexOf('?', scheme + 3);
        string head = query >= 0 ? location[..query] : location;
        string tail = query >= 0 ? location[query..] : "";
        int at = head.LastIndexOf('@');
        if (at >= 0)
        {
            int colon = head.IndexOf(':', scheme + 3);
            if (colon >= 0 && colon < at)
            {
                head = string.Concat(head.AsSpan(0, colon + 1), "***", head.AsSpan(at));
            }
        }
        if (tail.Length > 0)
        {
            tail = "?" + string.Join('&', tail[1..].Split('&').Select(p =>
                p.StartsWith("password=", StringComparison.OrdinalIgnoreCase) ? "password=***" : p));
        }
        return head + tail;
    }
}
