using System.Collections;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gradscope.Lab.Spec;

/// <summary>
/// The canonical JSON of a resolved spec, walked along <see cref="SpecTable"/>: sections and keys
/// in table order, <c>kind</c> first, every default written out, absent (null) values left out.
/// Stored with each run; <see cref="SpecLoader.Parse"/> of it gives back an equal spec.
/// </summary>
internal static class SpecJson
{
    public static string Write(ExperimentSpec spec)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteSection(w, SpecTable.SectionNamed(SpecTable.Root), spec);
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteSection(Utf8JsonWriter w, SpecSection section, object record)
    {
        w.WriteStartObject();
        Enum? kind = section.KindEnum is null ? null : (Enum)Get(record, "Kind")!;
        foreach (var row in SpecTable.FieldsOf(section.Name).Where(r => r.AppliesTo(kind)))
        {
            // With init_from the file gives the parameters and model.init may not be set.
            if (record is ModelSpec { InitFrom: not null } && row.Key == "init")
            {
                continue;
            }
            var value = Get(record, row.PropertyName);
            if (value is null)
            {
                continue;
            }
            w.WritePropertyName(row.Key);
            WriteValue(w, row, value);
        }
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, SpecField row, object value)
    {
        switch (value)
        {
            case string s:
                w.WriteStringValue(s);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case double d:
                w.WriteNumberValue(d);
                break;
            case Enum e:
                w.WriteStringValue(SpecNames.Kebab(e));
                break;
            case IEnumerable list:
                w.WriteStartArray();
                foreach (var item in list)
                {
                    if (row.Type == SpecType.SectionList)
                    {
                        WriteSection(w, SpecTable.SectionNamed(row.Child!), item);
                    }
                    else
                    {
                        WriteValue(w, row, item);
                    }
                }
                w.WriteEndArray();
                break;
            default:
                WriteSection(w, SpecTable.SectionNamed(row.Child!), value);
                break;
        }
    }

    private static object? Get(object record, string property)
    {
        var p = record.GetType().GetProperty(property)
            ?? throw new InvalidOperationException($"spec table: {record.GetType().Name} has no property {property}");
        return p.GetValue(record);
    }
}
