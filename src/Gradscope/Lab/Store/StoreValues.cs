using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Gradscope.Lab.Store;

/// <summary>
/// How values cross the database boundary, identically on every backend:
/// doubles: NaN &lt;-&gt; NULL (SQLite cannot bind NaN, and NULL is the portable "no number");
/// ±Infinity are stored as themselves (SQLite REAL and PostgreSQL DOUBLE PRECISION both hold them);
/// timestamps: ISO-8601 UTC text with 7 fractional digits, which sorts chronologically;
/// vectors: a JSON array with "NaN"/"Infinity"/"-Infinity" strings for non-finite entries
/// (System.Text.Json's named floating-point literals, so the text reads back exactly).
/// </summary>
internal static class StoreValues
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static object ToDb(double value) => double.IsNaN(value) ? DBNull.Value : value;

    public static double DoubleOrNaN(System.Data.Common.DbDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? double.NaN : r.GetDouble(ordinal);

    public static string FormatTimestamp(DateTimeOffset t) => t.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(string s) =>
        new(DateTime.SpecifyKind(DateTime.ParseExact(s, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc));

    public static string VectorToJson(ReadOnlySpan<double> values)
    {
        var buffer = new ArrayBufferWriter<byte>(16 + 24 * values.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (double v in values)
            {
                if (double.IsFinite(v))
                {
                    w.WriteNumberValue(v);
                }
                else
                {
                    w.WriteStringValue(double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
                }
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static double[] VectorFromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var a = new double[doc.RootElement.GetArrayLength()];
        int i = 0;
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            a[i++] = e.ValueKind switch
            {
                JsonValueKind.Number => e.GetDouble(),
                JsonValueKind.String => e.GetString() switch
                {
                    "NaN" => double.NaN,
                    "Infinity" => double.PositiveInfinity,
                    "-Infinity" => double.NegativeInfinity,
                    var s => throw new StoreException($"malformed vector record in the store: unexpected string '{s}'"),
                },
                _ => throw new StoreException($"malformed vector record in the store: unexpected {e.ValueKind}"),
            };
        }
        return a;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="json"/> is one JSON value of the expected kind.</summary>
    public static void RequireJson(string json, string paramName, JsonValueKind? kind = null)
    {
        ArgumentNullException.ThrowIfNull(json, paramName);
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (kind is { } k && doc.RootElement.ValueKind != k)
            {
                throw new ArgumentException($"expected a JSON {k.ToString().ToLowerInvariant()}, got {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}", paramName);
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"not valid JSON: {e.Message}", paramName, e);
        }
    }
}
