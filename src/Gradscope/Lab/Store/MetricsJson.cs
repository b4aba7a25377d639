using System.Text.Json;

namespace Gradscope.Lab.Store;

/// <summary>
/// JSON: an array of <c>{"step": 10, "time": 0.1, "name": "loss/train", "value": 0.25}</c>
/// objects, numbers in shortest round-trip form. JSON has no NaN or infinity, so a non-finite
/// value or time is written as <c>null</c> (pandas reads it as NaN; the sign of an infinity is lost —
/// use CSV or Parquet when it matters).
/// </summary>
public static class MetricsJson
{
    public static void Write(IEnumerable<MetricRow> rows, Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false, SkipValidation = false });
        w.WriteStartArray();
        int sinceFlush = 0;
        foreach (var r in rows)
        {
            w.WriteStartObject();
            w.WriteNumber("step", r.Step);
            WriteDouble(w, "time", r.Time);
            w.WriteString("name", r.Name);
            WriteDouble(w, "value", r.Value);
            w.WriteEndObject();
            if (++sinceFlush == 4096)
            {
                w.Flush(); // bound the writer's buffer for long exports
                sinceFlush = 0;
            }
        }
        w.WriteEndArray();
        w.Flush();
    }

    private static void WriteDouble(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
