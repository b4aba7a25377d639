using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gradscope.Tests.Lab.Spec;

/// <summary>
/// A small JSON Schema (2020-12) validator for the keywords SpecSchema emits — type, enum, const,
/// properties, additionalProperties, required, allOf, if/then, items, minItems, maxItems,
/// minimum/maximum (exclusive too), pattern, local $ref and boolean schemas — written from the
/// specification text so the generated schema can be checked against specs independently of the
/// loader. Returns the instance locations that fail.
/// </summary>
internal sealed class MiniSchemaValidator(JsonElement root)
{
    public List<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Check(root, instance, "$", errors);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement x, string at, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{at}: not allowed");
            return;
        }
        if (schema.TryGetProperty("$ref", out var r))
        {
            var name = r.GetString()!["#/$defs/".Length..];
            Check(root.GetProperty("$defs").GetProperty(name), x, at, errors);
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            if (!types.Any(t => HasType(x, t)))
            {
                errors.Add($"{at}: not of type {string.Join("|", types)}");
                return;
            }
        }
        if (schema.TryGetProperty("enum", out var en) && !en.EnumerateArray().Any(v => JsonElement.DeepEquals(v, x)))
        {
            errors.Add($"{at}: not in enum");
        }
        if (schema.TryGetProperty("const", out var c) && !JsonElement.DeepEquals(c, x))
        {
            errors.Add($"{at}: not the const");
        }
        if (x.ValueKind == JsonValueKind.Number)
        {
            double v = x.GetDouble();
            if (schema.TryGetProperty("minimum", out var m) && v < m.GetDouble() ||
                schema.TryGetProperty("exclusiveMinimum", out var em) && v <= em.GetDouble() ||
                schema.TryGetProperty("maximum", out var mx) && v > mx.GetDouble() ||
                schema.TryGetProperty("exclusiveMaximum", out var emx) && v >= emx.GetDouble())
            {
                errors.Add($"{at}: out of range");
            }
        }
        if (x.ValueKind == JsonValueKind.String && schema.TryGetProperty("pattern", out var p) && !Regex.IsMatch(x.GetString()!, p.GetString()!))
        {
            errors.Add($"{at}: does not match the pattern");
        }
        if (x.ValueKind == JsonValueKind.Array)
        {
            int n = x.GetArrayLength();
            if (schema.TryGetProperty("minItems", out var lo) && n < lo.GetInt32() || schema.TryGetProperty("maxItems", out var hi) && n > hi.GetInt32())
            {
                errors.Add($"{at}: wrong number of items");
            }
            if (schema.TryGetProperty("items", out var items))
            {
                int i = 0;
                foreach (var item in x.EnumerateArray())
                {
                    Check(items, item, $"{at}[{i++}]", errors);
                }
            }
        }
        if (x.ValueKind == JsonValueKind.Object)
        {
            var props = schema.TryGetProperty("properties", out var ps) ? ps : default;
            foreach (var member in x.EnumerateObject())
            {
                if (props.ValueKind == JsonValueKind.Object && props.TryGetProperty(member.Name, out var sub))
                {
                    Check(sub, member.Value, $"{at}.{member.Name}", errors);
                }
                else if (schema.TryGetProperty("additionalProperties", out var ap))
                {
                    Check(ap, member.Value, $"{at}.{member.Name}", errors);
                }
            }
            if (schema.TryGetProperty("required", out var req))
            {
                foreach (var k in req.EnumerateArray())
                {
                    if (!x.TryGetProperty(k.GetString()!, out _))
                    {
                        errors.Add($"{at}: missing {k.GetString()}");
                    }
                }
            }
        }
        if (schema.TryGetProperty("allOf", out var all))
        {
            foreach (var s in all.EnumerateArray())
            {
                Check(s, x, at, errors);
            }
        }
        if (schema.TryGetProperty("if", out var cond) && schema.TryGetProperty("then", out var then))
        {
            var probe = new List<string>();
            Check(cond, x, at, probe);
            if (probe.Count == 0)
            {
                Check(then, x, at, errors);
            }
        }
    }

    private static bool HasType(JsonElement x, string type) => type switch
    {
        "object" => x.ValueKind == JsonValueKind.Object,
        "array" => x.ValueKind == JsonValueKind.Array,
        "string" => x.ValueKind == JsonValueKind.String,
        "boolean" => x.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => x.ValueKind == JsonValueKind.Null,
        "number" => x.ValueKind == JsonValueKind.Number,
        "integer" => x.ValueKind == JsonValueKind.Number && x.GetDouble() == Math.Floor(x.GetDouble()),
        _ => false,
    };
}
