using System.Globalization;
using System.Text;

namespace Gradscope.Lab.Store;

/// <summary>
/// CSV in long format: header exactly <c>step,time,name,value</c>; invariant culture; doubles
/// in shortest round-trip form ("R": parsing the text gives back the same double); NaN as
/// <c>nan</c> and ±Inf as <c>inf</c>/<c>-inf</c>, which pandas' read_csv, polars and DuckDB
/// read as floats; names quoted (RFC 4180) only when they contain a comma, quote or line break.
/// </summary>
public static class MetricsCsv
{
    public const string Header = "step,time,name,value";

    public static void Write(IEnumerable<MetricRow> rows, Stream output)
    {
        using var w = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
        Write(rows, w);
    }

    public static void Write(IEnumerable<MetricRow> rows, TextWriter w)
    {
        w.NewLine = "\n";
        w.WriteLine(Header);
        Span<char> buf = stackalloc char[32];
        foreach (var r in rows)
        {
            w.Write(r.Step.ToString(CultureInfo.InvariantCulture));
            w.Write(',');
            WriteDouble(w, r.Time, buf);
            w.Write(',');
            WriteName(w, r.Name);
            w.Write(',');
            WriteDouble(w, r.Value, buf);
            w.WriteLine();
        }
        w.Flush();
    }

    /// <summary>The CSV text of one double: round-trip digits, or nan/inf/-inf.</summary>
    public static string FormatDouble(double v) =>
        double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : v.ToString("R", CultureInfo.InvariantCulture);

    private static void WriteDouble(TextWriter w, double v, Span<char> buf)
    {
        if (double.IsFinite(v) && v.TryFormat(buf, out int n, "R", CultureInfo.InvariantCulture))
        {
            w.Write(buf[..n]);
        }
        else
        {
            w.Write(FormatDouble(v));
        }
    }

    private static void WriteName(TextWriter w, string name)
    {
        if (name.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            w.Write(name);
            return;
        }
        w.Write('"');
        w.Write(name.Replace("\"", "\"\"", StringComparison.Ordinal));
        w.Write('"');
    }
}
