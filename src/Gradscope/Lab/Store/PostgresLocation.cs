using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Gradscope.Lab.Store;

/// <summary>
/// A <c>postgres://</c> (or <c>postgresql://</c>) store URL taken apart, libpq style:
/// <c>postgres://[user[:password]@]host[:port][/database][?option=value&amp;...]</c>.
/// The password comes from the URL, else from <c>PGPASSWORD</c>; the database defaults to the
/// user name (as in libpq). Gradscope's own options:
/// <list type="bullet">
/// <item><c>schema=NAME</c> — keep the store's tables in that schema (created if missing), so
/// several stores can share one database;</item>
/// <item><c>files=DIR</c> — the local directory for per-run folders (checkpoints, plots), else
/// <c>GRADSCOPE_RUN_DIR</c>, else <c>./runs-files</c>;</item>
/// <item><c>connect_attempts=N</c> — connection attempts before giving up (default 5, with
/// exponential back-off from 0.5 s).</item>
/// </list>
/// libpq's <c>connect_timeout</c> (seconds, default here 5), <c>sslmode</c> and
/// <c>application_name</c> are understood; any other option is handed to Npgsql as a connection
/// string keyword (e.g. <c>?Command Timeout=60</c>), and an unknown one is a <see cref="StoreException"/>.
/// </summary>
internal sealed partial class PostgresLocation
{
    /// <summary>Environment variable naming the local directory for per-run folders of a URL store.</summary>
    public const string RunDirVariable = "GRADSCOPE_RUN_DIR";

    public const string DefaultFilesRoot = "./runs-files";
    public const int DefaultConnectAttempts = 5;
    public const int DefaultConnectTimeoutSeconds = 5;

    private PostgresLocation(string url, NpgsqlConnectionStringBuilder builder, string? schema, string filesRoot, int connectAttempts)
    {
        Url = url;
        Builder = builder;
        Schema = schema;
        FilesRoot = filesRoot;
        ConnectAttempts = connectAttempts;
    }

    /// <summary>The URL with its password replaced by <c>***</c> (safe to print).</summary>
    public string Url { get; }

    /// <summary>The Npgsql connection settings (pooling off: a store holds its connections for its lifetime).</summary>
    public NpgsqlConnectionStringBuilder Builder { get; }

    /// <summary>The schema holding the store's tables, or null for the connection's default (<c>public</c>).</summary>
    public string? Schema { get; }

    /// <summary>Absolute path of the directory that holds one folder per run.</summary>
    public string FilesRoot { get; }

    /// <summary>How many times opening a connection is tried before a <see cref="StoreException"/>.</summary>
    public int ConnectAttempts { get; set; }

    /// <summary>Wait before the second connection attempt; doubles after each failure (capped at 8 s).</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public string ConnectionString => Builder.ConnectionString;

    public static PostgresLocation Parse(string url) => Parse(url, Environment.GetEnvironmentVariable);

    internal static PostgresLocation Parse(string url, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(url);
        string shown = RunStore.RedactPassword(url);
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0 || !RunStore.IsPostgresUrl(url))
        {
            throw new StoreException($"store {shown}: not a postgres:// or postgresql:// URL");
        }
        string rest = url[(schemeEnd + 3)..];
        string query = "";
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string authority = slash >= 0 ? rest[..slash] : rest;
        string database = slash >= 0 ? Decode(rest[(slash + 1)..], shown) : "";
        string? user = null, password = null;
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            string userInfo = authority[..at];
            authority = authority[(at + 1)..];
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Decode(colon >= 0 ? userInfo[..colon] : userInfo, shown);
            password = colon >= 0 ? Decode(userInfo[(colon + 1)..], shown) : null;
        }

        var b = new NpgsqlConnectionStringBuilder
        {
            Pooling = false,
            Timeout = DefaultConnectTimeoutSeconds,
            ApplicationName = "gradscope",
        };
        if (authority.Length > 0)
        {
            SetHost(b, authority, shown);
        }
        if (!string.IsNullOrEmpty(user))
        {
            b.Username = user;
        }
        if (database.Length > 0)
        {
            b.Database = database;
        }

        string? schema = null;
        string? files = null;
        int attempts = DefaultConnectAttempts;
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Decode(eq >= 0 ? pair[..eq] : pair, shown);
            string value = eq >= 0 ? Decode(pair[(eq + 1)..], shown) : "";
            switch (key.ToLowerInvariant())
            {
                case "schema":
                    if (!SchemaName().IsMatch(value))
                    {
                        throw new StoreException($"store {shown}: schema '{value}' must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters)");
                    }
                    schema = value;
                    break;
                case "files":
                    if (value.Length == 0)
                    {
                        throw new StoreException($"store {shown}: files= needs a directory");
                    }
                    files = value;
                    break;
                case "connect_attempts":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out attempts) || attempts < 1)
                    {
                        throw new StoreException($"store {shown}: connect_attempts must be a positive integer, not '{value}'");
                    }
                    break;
                case "connect_timeout":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) || seconds < 1)
                    {
                        throw new StoreException($"store {shown}: connect_timeout must be a positive number of seconds, not '{value}'");
                    }
                    b.Timeout = seconds;
                    break;
                case "sslmode":
                    Set(b, "SSL Mode", value, shown);
                    break;
                case "application_name":
                    b.ApplicationName = value;
                    break;
                case "host":
                    SetHost(b, value, shown); // e.g. a Unix socket directory
                    break;
                case "port":
                    Set(b, "Port", value, shown);
                    break;
                case "user":
                    b.Username = value;
                    break;
                case "password":
                    password = value;
                    break;
                case "dbname":
                    b.Database = value;
                    break;
                default:
                    Set(b, key, value, shown);
                    break;
            }
        }
        if (string.IsNullOrEmpty(b.Host))
        {
            throw new StoreException($"store {shown}: no host; write postgres://user@host[:port]/database");
        }
        if (string.IsNullOrEmpty(b.Username))
        {
            string? envUser = environment("PGUSER");
            if (!string.IsNullOrEmpty(envUser))
            {
                b.Username = envUser;
            }
        }
        b.Password = password ?? environment("PGPASSWORD");
        if (string.IsNullOrEmpty(b.Database) && !string.IsNullOrEmpty(b.Username))
        {
            b.Database = b.Username; // libpq's default
        }
        if (schema is not null)
        {
            b.SearchPath = schema;
        }
        files ??= environment(RunDirVariable);
        string filesRoot = Path.GetFullPath(string.IsNullOrWhiteSpace(files) ? DefaultFilesRoot : files);
        return new PostgresLocation(shown, b, schema, filesRoot, attempts);
    }

    private static void SetHost(NpgsqlConnectionStringBuilder b, string authority, string shown)
    {
        // host, host:port, [v6], [v6]:port; several hosts (host1:5432,host2:5433) go to Npgsql as they are.
        if (authority.Contains(',', StringComparison.Ordinal))
        {
            b.Host = authority;
            return;
        }
        string host = authority;
        string? port = null;
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new StoreException($"store {shown}: unterminated [ in the host");
            }
            host = authority[1..close];
            if (close + 1 < authority.Length)
            {
                if (authority[close + 1] != ':')
                {
                    throw new StoreException($"store {shown}: expected :port after ]");
                }
                port = authority[(close + 2)..];
            }
        }
        else
        {
            int colon = authority.LastIndexOf(':');
            if (colon >= 0)
            {
                host = authority[..colon];
                port = authority[(colon + 1)..];
            }
        }
        b.Host = Decode(host, shown);
        if (port is not null)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p is < 1 or > 65535)
            {
                throw new StoreException($"store {shown}: port '{port}' is not a number from 1 to 65535");
            }
            b.Port = p;
        }
    }

    private static void Set(NpgsqlConnectionStringBuilder b, string key, string value, string shown)
    {
        try
        {
            b[key] = value;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw new StoreException($"store {shown}: option '{key}={value}' is not understood ({e.Message})", e);
        }
    }

    private static string Decode(string s, string shown)
    {
        try
        {
            return Uri.UnescapeDataString(s);
        }
        catch (UriFormatException e)
        {
            throw new StoreException($"store {shown}: bad %-escape in '{s}'", e);
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
