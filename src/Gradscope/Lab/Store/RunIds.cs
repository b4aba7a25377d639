using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gradscope.Lab.Store;

/// <summary>
/// Run ids: <c>yyyyMMdd-HHmmss-&lt;name&gt;-&lt;4 hex&gt;</c>, e.g. <c>20261123-181502-saxe-7f3a</c>.
/// The UTC timestamp first makes ids sort by creation time (to the second) in <c>ls</c> and SQL;
/// the sanitised spec name makes them readable; the random suffix separates runs started in the
/// same second (the store retries with a fresh suffix on the rare collision).
/// </summary>
public static class RunIds
{
    /// <summary>Longest sanitised name kept in an id, so ids stay short enough to type.</summary>
    public const int MaxNameLength = 32;

    public static string New(string name, DateTimeOffset now, int random16)
    {
        string stamp = now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return $"{stamp}-{SanitizeName(name)}-{random16 & 0xFFFF:x4}";
    }

    /// <summary>A fresh random 16-bit suffix (not from the run's seed: two runs of one spec must differ).</summary>
    public static int RandomSuffix() => RandomNumberGenerator.GetInt32(0, 0x10000);

    /// <summary>
    /// Lower-case ASCII letters and digits; every other run of characters becomes one '-';
    /// no leading/trailing '-'; at most <see cref="MaxNameLength"/> characters; "run" when nothing is left.
    /// Safe as a folder name on every file system and free of SQL LIKE wildcards.
    /// </summary>
    public static string SanitizeName(string? name)
    {
        var sb = new StringBuilder();
        bool pendingDash = false;
        foreach (char c0 in name ?? "")
        {
            char c = char.ToLowerInvariant(c0);
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                if (pendingDash && sb.Length > 0)
                {
                    sb.Append('-');
                }
                pendingDash = false;
                sb.Append(c);
            }
            else
            {
                pendingDash = true;
            }
        }
        string s = sb.Length > MaxNameLength ? sb.ToString(0, MaxNameLength).TrimEnd('-') : sb.ToString();
        return s.Length == 0 ? "run" : s;
    }
}
