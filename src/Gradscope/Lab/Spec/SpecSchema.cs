using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gradscope.Lab.Spec;

/// <summary>
/// The JSON Schema (draft 2020-12) of the spec, generated from <see cref="SpecTable"/>: one
/// <c>$defs</c> entry per section, every key with its type, constraint, default and description,
/// <c>additionalProperties: false</c>, and per kind an <c>if/then</c> that forbids the keys the
/// kind does not use and requires the ones it needs. Rules across keys (<see cref="SpecTable.Rules"/>)
/// are only described. <c>gradscope schema</c> prints it; editors use it for completion.
/// </summary>
public static class SpecSchema
{
    public const string Draft = "https://json-schema.org/draft/2020-12/schema";

    public static string Generate()
    {
        var defs = new JsonObject();
        foreach (var section in SpecTable.Sections.Where(s => s.Name != SpecTable.Root))
        {
            defs[section.Name] = SectionSchema(section);
        }
        var root = SectionSchema(SpecTable.SectionNamed(SpecTable.Root));
        var doc = new JsonObject
        {
            ["$schema"] = Draft,
            ["$id"] = "urn:gradscope:experiment-spec",
            ["title"] = "Gradscope experiment spec",
        };
        foreach (var (k, v) in root.ToList())
        {
            root.Remove(k);
            doc[k] = v;
        }
        doc["description"] = $"{doc["description"]} An experiment for `gradscope run` (YAML or JSON); a key set to null counts as absent. Rules across keys: "
            + string.Join(" ", SpecTable.Rules.Select(r => r.Replace("`", "", StringComparison.Ordinal)));
        doc["$defs"] = defs;
        return doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    private static JsonObject SectionSchema(SpecSection section)
    {
        var rows = SpecTable.FieldsOf(section.Name).ToList();
        var keys = SpecTable.KeysOf(section.Name);
        var properties = new JsonObject();
        foreach (var key in keys)
        {
            var keyRows = rows.Where(r => r.Key == key).ToList();
            properties[key] = keyRows.Count == 1
                ? KeySchema(keyRows[0])
                : new JsonObject { ["description"] = keyRows[0].Description + " (type and default depend on the kind)" };
        }
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["description"] = section.Description,
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
        var required = rows.Where(r => r.Required && r.Kinds is null).Select(r => r.Key).Distinct().ToList();
        if (required.Count > 0)
        {
            schema["required"] = Array(required);
        }
        if (section.KindEnum is not null)
        {
            var kindDefault = rows.First(r => r.Key == "kind").Default as Enum;
            var allOf = new JsonArray();
            foreach (var (kind, _) in SpecTable.Vocabulary[section.KindEnum])
            {
                var then = new JsonObject();
                var thenProps = new JsonObject();
                var thenRequired = new List<string>();
                foreach (var key in keys.Where(k => k != "kind"))
                {
                    var keyRows = rows.Where(r => r.Key == key).ToList();
                    var row = keyRows.FirstOrDefault(r => r.AppliesTo(kind));
                    if (row is null)
                    {
                        thenProps[key] = false;
                        continue;
                    }
                    if (keyRows.Count > 1)
                    {
                        thenProps[key] = KeySchema(row);
                    }
                    if (row.Required && row.Kinds is not null)
                    {
                        thenRequired.Add(key);
                    }
                }
                if (thenProps.Count == 0 && thenRequired.Count == 0)
                {
                    continue;
                }
                if (thenProps.Count > 0)
                {
                    then["properties"] = thenProps;
                }
                if (thenRequired.Count > 0)
                {
                    then["required"] = Array(thenRequired);
                }
                // The default kind also applies when kind is absent.
                var condition = new JsonObject { ["properties"] = new JsonObject { ["kind"] = new JsonObject { ["const"] = SpecNames.Kebab(kind) } } };
                if (!Equals(kind, kindDefault))
                {
                    condition["required"] = Array(["kind"]);
                }
                allOf.Add(new JsonObject { ["if"] = condition, ["then"] = then });
            }
            if (allOf.Count > 0)
            {
                schema["allOf"] = allOf;
            }
        }
        return schema;
    }

    private static JsonObject KeySchema(SpecField row)
    {
        var s = ValueSchema(row);
        s["description"] = row.Description + (row.DefaultNote is string note ? $" Default: {note}." : "");
        if (row.Default is not null)
        {
            s["default"] = JsonValueOf(row.Default);
        }
        return s;
    }

    private static JsonObject ValueSchema(SpecField row)
    {
        bool nullable = !row.Required && row.Type is not (SpecType.Section or SpecType.SectionList);
        JsonObject Typed(string type)
        {
            var o = new JsonObject { ["type"] = nullable ? Array([type, "null"]) : type };
            AddRange(o, row.Range);
            return o;
        }
        switch (row.Type)
        {
            case SpecType.String or SpecType.Path:
            {
                var o = new JsonObject { ["type"] = nullable ? Array(["string", "null"]) : "string" };
                if (row.Pattern is string p)
                {
                    o["pattern"] = p;
                }
                return o;
            }
            case SpecType.Bool:
                return Typed("boolean");
            case SpecType.Int or SpecType.Long:
                return Typed("integer");
            case SpecType.Double:
                return Typed("number");
            case SpecType.Enum:
            {
                var values = new JsonArray();
                foreach (var v in SpecTable.ValuesOf(row.EnumType!))
                {
                    values.Add(v);
                }
                bool boolAliases = false;
                if (SpecTable.Aliases.TryGetValue(row.EnumType!, out var aliases))
                {
                    foreach (var a in aliases.Keys)
                    {
                        if (a is "true" or "false")
                        {
                            boolAliases = true;
                        }
                        else
                        {
                            values.Add(a);
                        }
                    }
                }
                if (boolAliases)
                {
                    values.Add(true);
                    values.Add(false);
                }
                if (nullable)
                {
                    values.Add(null);
                }
                return new JsonObject { ["enum"] = values };
            }
            case SpecType.IntList or SpecType.DoubleList or SpecType.StringList:
            {
                var item = new JsonObject { ["type"] = row.Type switch { SpecType.IntList => "integer", SpecType.DoubleList => "number", _ => "string" } };
                AddRange(item, row.Range);
                var o = new JsonObject { ["type"] = nullable ? Array(["array", "null"]) : "array", ["items"] = item };
                if (row.MinCount is int lo)
                {
                    o["minItems"] = lo;
                }
                if (row.MaxCount is int hi)
                {
                    o["maxItems"] = hi;
                }
                return o;
            }
            case SpecType.Section:
                return new JsonObject { ["$ref"] = "#/$defs/" + row.Child };
            case SpecType.SectionList:
                return new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/$defs/" + row.Child } };
            default:
                throw new InvalidOperationException(row.Type.ToString());
        }
    }

    private static void AddRange(JsonObject o, SpecRange? r)
    {
        if (r?.Min is double lo)
        {
            o[r.MinExclusive ? "exclusiveMinimum" : "minimum"] = lo;
        }
        if (r?.Max is double hi)
        {
            o[r.MaxExclusive ? "exclusiveMaximum" : "maximum"] = hi;
        }
    }

    private static JsonArray Array(IEnumerable<string> items)
    {
        var a = new JsonArray();
        foreach (var i in items)
        {
            a.Add(i);
        }
        return a;
    }

    /// <summary>A default value as JSON (enum members as their spec names).</summary>
    internal static JsonNode? JsonValueOf(object value) => value switch
    {
        Enum e => JsonValue.Create(SpecNames.Kebab(e)),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        ValueList<double> list => new JsonArray(list.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
        ValueList<int> list => new JsonArray(list.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
        _ => throw new InvalidOperationException($"spec table: no JSON form for default {value}"),
    };
}
