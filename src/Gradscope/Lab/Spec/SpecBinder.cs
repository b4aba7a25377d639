using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Gradscope.Lab.Spec;

/// <summary>
/// Binds the generic tree to the typed records, driven entirely by <see cref="SpecTable"/>: finds
/// each section's kind, rejects unknown keys (with a did-you-mean) and keys the kind does not use,
/// converts and range-checks every value, reports missing required keys and fills constant
/// defaults. Errors are collected, never thrown. Also records which keys were given and where,
/// for the cross-field checks that follow.
/// </summary>
internal sealed class SpecBinder(string? baseDirectory, List<SpecError> errors)
{
    private readonly Dictionary<string, string?> _sources = [];

    /// <summary>Dotted paths of the keys present with a non-null value.</summary>
    public HashSet<string> Given { get; } = new(StringComparer.Ordinal);

    public List<SpecError> Errors { get; } = errors;

    /// <summary>Where the value at a path was written, when known.</summary>
    public string? SourceOf(string path) => _sources.TryGetValue(path, out var s) ? s : null;

    public ExperimentSpec? Bind(SpecNode? root)
    {
        if (root is null)
        {
            return null;
        }
        if (root is not SpecMap map)
        {
            Error("", "a spec is a mapping of keys (name, data, model, optimizer, ...)", root.Source);
            return null;
        }
        return (ExperimentSpec)BindSection(SpecTable.SectionNamed(SpecTable.Root), map, "", map.Source);
    }

    private object BindSection(SpecSection section, SpecMap? map, string path, string? source)
    {
        var record = Activator.CreateInstance(section.RecordType)!;
        var rows = SpecTable.FieldsOf(section.Name).ToList();
        Enum? kind = null;
        bool kindKnown = section.KindEnum is null;
        if (section.KindEnum is not null)
        {
            var kindRow = rows.First(r => r.Key == "kind");
            var kindPath = SpecTreeReader.Join(path, "kind");
            var node = map?.Get("kind");
            if (node is null or SpecScalar { IsNull: true })
            {
                if (kindRow.Default is Enum d)
                {
                    kind = d;
                }
                else
                {
                    Error(kindPath, $"required; allowed: {string.Join(", ", SpecTable.ValuesOf(section.KindEnum))}", map?.Source ?? source);
                }
            }
            else
            {
                Given.Add(kindPath);
                _sources[kindPath] = node.Source;
                kind = Convert(kindRow, node, kindPath) as Enum;
            }
            if (kind is not null)
            {
                Set(record, kindRow, kind);
                kindKnown = true;
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, node) in map?.Entries ?? [])
        {
            if (key == "kind" && section.KindEnum is not null)
            {
                continue;
            }
            var keyPath = SpecTreeReader.Join(path, key);
            var keyRows = rows.Where(r => r.Key == key).ToList();
            if (keyRows.Count == 0)
            {
                UnknownKey(section, keyPath, key, map!.KeySource(key));
                continue;
            }
            seen.Add(key);
            if (node is SpecScalar { IsNull: true })
            {
                continue; // null = absent
            }
            if (!kindKnown)
            {
                // The kind is wrong (already reported): still check the value when the key has only one meaning.
                if (keyRows.Count == 1)
                {
                    Convert(keyRows[0], node, keyPath);
                }
                continue;
            }
            var row = keyRows.FirstOrDefault(r => r.AppliesTo(kind));
            if (row is null)
            {
                var users = keyRows.SelectMany(r => r.Kinds ?? []).Select(SpecNames.Kebab);
                Error(keyPath, $"not used by {KindLabel(section)} '{SpecNames.Kebab(kind!)}' (only by {string.Join(", ", users)})", map!.KeySource(key));
                continue;
            }
            Given.Add(keyPath);
            _sources[keyPath] = node.Source;
            if (Convert(row, node, keyPath) is { } value)
            {
                Set(record, row, value);
            }
        }

        if (kindKnown)
        {
            foreach (var row in rows.Where(r => r.Key != "kind" && r.AppliesTo(kind) && !Given.Contains(SpecTreeReader.Join(path, r.Key))))
            {
                var keyPath = SpecTreeReader.Join(path, row.Key);
                if (seen.Contains(row.Key) && !IsNullIn(map, row.Key))
                {
                    continue; // present but invalid: already reported
                }
                if (row.Required)
                {
                    var forKind = row.Kinds is null || kind is null ? "" : $" for {KindLabel(section)} '{SpecNames.Kebab(kind)}'";
                    Error(keyPath, "required" + forKind, map?.Source ?? source);
                }
                else if (row.Default is not null)
                {
                    Set(record, row, row.Default);
                }
                else if (row.Type == SpecType.Section)
                {
                    Set(record, row, BindSection(SpecTable.SectionNamed(row.Child!), null, keyPath, map?.Source ?? source));
                }
            }
        }
        return record;
    }

    private static bool IsNullIn(SpecMap? map, string key) => map?.Get(key) is SpecScalar { IsNull: true };

    private static string KindLabel(SpecSection s) => s.Path.Length == 0 ? "kind" : s.Path.Replace("[]", "", StringComparison.Ordinal) + " kind";

    private void UnknownKey(SpecSection section, string keyPath, string key, string? source)
    {
        var keys = SpecTable.KeysOf(section.Name);
        var hint = DidYouMean.Hint(key, keys);
        if (hint.Length == 0)
        {
            // A key written in the wrong section: point at where it belongs.
            var home = SpecTable.Fields.FirstOrDefault(f => f.Key == key && f.Section != section.Name && f.Key != "kind");
            if (home is not null)
            {
                var where = SpecTable.SectionNamed(home.Section).Path.Replace("[]", ".N", StringComparison.Ordinal);
                hint = $" (did you mean '{SpecTreeReader.Join(where, key)}'?)";
            }
        }
        Error(keyPath, hint.Length > 0 ? "unknown key" + hint : $"unknown key; allowed: {string.Join(", ", keys)}", source);
    }

    private void Set(object record, SpecField row, object value)
    {
        var p = record.GetType().GetProperty(row.PropertyName, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"spec table: {record.GetType().Name} has no property {row.PropertyName} for key '{row.Key}'");
        p.SetValue(record, value);
    }

    private void Error(string path, string message, string? source) => Errors.Add(new SpecError(path, message) { Source = source });

    // ---------------- values ----------------

    private object? Convert(SpecField row, SpecNode node, string path)
    {
        switch (row.Type)
        {
            case SpecType.Section:
                if (node is not SpecMap m)
                {
                    Error(path, $"must be a mapping of keys, got {Describe(node)}", node.Source);
                    return null;
                }
                return BindSection(SpecTable.SectionNamed(row.Child!), m, path, node.Source);
            case SpecType.SectionList:
            {
                if (node is not SpecSeq seq)
                {
                    Error(path, $"must be a list, got {Describe(node)}", node.Source);
                    return null;
                }
                var child = SpecTable.SectionNamed(row.Child!);
                var items = new List<object>();
                for (int i = 0; i < seq.Items.Count; i++)
                {
                    var itemPath = SpecTreeReader.Join(path, Str(i));
                    if (seq.Items[i] is SpecMap im)
                    {
                        items.Add(BindSection(child, im, itemPath, im.Source));
                    }
                    else
                    {
                        Error(itemPath, $"must be a mapping (e.g. {{kind: ...}}), got {Describe(seq.Items[i])}", seq.Items[i].Source);
                    }
                }
                return MakeList(child.RecordType, items);
            }
            case SpecType.IntList or SpecType.DoubleList or SpecType.StringList:
            {
                if (node is not SpecSeq seq)
                {
                    Error(path, $"must be a list, got {Describe(node)}", node.Source);
                    return null;
                }
                if (row.MinCount is int lo && seq.Items.Count < lo || row.MaxCount is int hi && seq.Items.Count > hi)
                {
                    var want = row.MinCount == row.MaxCount ? $"exactly {row.MinCount}"
                        : row.MaxCount is null ? $"at least {row.MinCount}"
                        : row.MinCount is null ? $"at most {row.MaxCount}" : $"{row.MinCount} to {row.MaxCount}";
                    Error(path, $"must have {want} entries, got {seq.Items.Count}", node.Source);
                }
                var elementType = row.Type switch
                {
                    SpecType.IntList => SpecType.Int,
                    SpecType.DoubleList => SpecType.Double,
                    _ => SpecType.String,
                };
                var items = new List<object>();
                bool ok = true;
                for (int i = 0; i < seq.Items.Count; i++)
                {
                    var v = Scalar(row, elementType, seq.Items[i], SpecTreeReader.Join(path, Str(i)));
                    ok &= v is not null;
                    if (v is not null)
                    {
                        items.Add(v);
                    }
                }
                if (!ok)
                {
                    return null;
                }
                return MakeList(elementType switch { SpecType.Int => typeof(int), SpecType.Double => typeof(double), _ => typeof(string) }, items);
            }
            default:
                return Scalar(row, row.Type, node, path);
        }
    }

    private object? Scalar(SpecField row, SpecType type, SpecNode node, string path)
    {
        if (node is not SpecScalar s || s.IsNull)
        {
            Error(path, $"must be {Expected(row, type)}, got {Describe(node)}", node.Source);
            return null;
        }
        switch (type)
        {
            case SpecType.String:
                if (row.Pattern is string pattern && !Regex.IsMatch(s.Text, pattern))
                {
                    Error(path, $"must be lower-case letters, digits, '.', '_' or '-' (matching {pattern}), got '{s.Text}'", s.Source);
                    return null;
                }
                return s.Text;
            case SpecType.Path:
                return ResolvePath(s, path);
            case SpecType.Bool:
                if (!s.Quoted && s.Text is "true" or "True" or "TRUE")
                {
                    return true;
                }
                if (!s.Quoted && s.Text is "false" or "False" or "FALSE")
                {
                    return false;
                }
                Error(path, $"must be true or false, got {s.Display}", s.Source);
                return null;
            case SpecType.Int or SpecType.Long:
            {
                if (s.Quoted || !TryInteger(s.Text, out long v))
                {
                    Error(path, $"must be an integer, got {(s.Quoted ? "string " : "")}{s.Display}", s.Source);
                    return null;
                }
                if (type == SpecType.Int && v is < int.MinValue or > int.MaxValue)
                {
                    Error(path, $"must be at most {int.MaxValue}, got {s.Text}", s.Source);
                    return null;
                }
                if (!InRange(row, v, s, path))
                {
                    return null;
                }
                return type == SpecType.Int ? (object)(int)v : v;
            }
            case SpecType.Double:
            {
                if (s.Quoted || !TryDouble(s.Text, out double v))
                {
                    Error(path, $"must be a number, got {(s.Quoted ? "string " : "")}{s.Display}", s.Source);
                    return null;
                }
                if (!double.IsFinite(v))
                {
                    Error(path, $"must be a finite number, got {s.Text}", s.Source);
                    return null;
                }
                return InRange(row, v, s, path) ? v : null;
            }
            case SpecType.Enum:
                return ParseEnum(row.EnumType!, s, path);
            default:
                throw new InvalidOperationException($"spec table: {type} is not a scalar type");
        }
    }

    private bool InRange(SpecField row, double v, SpecScalar s, string path)
    {
        if (row.Range is { } r && !r.Contains(v))
        {
            Error(path, $"{r.Describe()}, got {s.Text}", s.Source);
            return false;
        }
        return true;
    }

    private Enum? ParseEnum(Type enumType, SpecScalar s, string path)
    {
        foreach (var (value, _) in SpecTable.Vocabulary[enumType])
        {
            if (SpecNames.Kebab(value) == s.Text)
            {
                return value;
            }
        }
        if (SpecTable.Aliases.TryGetValue(enumType, out var aliases) && aliases.TryGetValue(s.Text, out var aliased))
        {
            return aliased;
        }
        var allowed = SpecTable.ValuesOf(enumType);
        Error(path, $"unknown value '{s.Text}'; allowed: {string.Join(", ", allowed)}{DidYouMean.Hint(s.Text, allowed)}", s.Source);
        return null;
    }

    private string? ResolvePath(SpecScalar s, string path)
    {
        if (s.Text.Length == 0)
        {
            Error(path, "must be a file path, got an empty string", s.Source);
            return null;
        }
        var baseDir = s.FromOverride || baseDirectory is null ? Directory.GetCurrentDirectory() : baseDirectory;
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDir, s.Text));
        if (!File.Exists(full))
        {
            var shown = full == s.Text ? s.Text : $"{s.Text} ({full})";
            Error(path, $"file not found: {shown}", s.Source);
            return null;
        }
        return full;
    }

    /// <summary>An integer, also written as a float with an integral value (1e4, 4000.0).</summary>
    internal static bool TryInteger(string text, out long value)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }
        if (TryDouble(text, out double d) && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 9.2e18)
        {
            value = (long)d;
            return true;
        }
        return false;
    }

    /// <summary>A decimal number, or YAML's .inf / -.inf / .nan.</summary>
    internal static bool TryDouble(string text, out double value)
    {
        switch (text)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                value = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf" or "-.INF":
                value = double.NegativeInfinity;
                return true;
            case ".nan" or ".NaN" or ".NAN":
                value = double.NaN;
                return true;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static string Expected(SpecField row, SpecType type) => type switch
    {
        SpecType.String => "a string",
        SpecType.Path => "a file path",
        SpecType.Bool => "true or false",
        SpecType.Int or SpecType.Long => "an integer",
        SpecType.Double => "a number",
        SpecType.Enum => "one of " + string.Join(", ", SpecTable.ValuesOf(row.EnumType!)),
        _ => type.ToString(),
    };

    private static string Describe(SpecNode node) => node switch
    {
        SpecMap => "a mapping",
        SpecSeq => "a list",
        SpecScalar { IsNull: true } => "null",
        SpecScalar s => s.Display,
        _ => "?",
    };

    private static object MakeList(Type elementType, List<object> items)
    {
        var array = Array.CreateInstance(elementType, items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            array.SetValue(items[i], i);
        }
        return Activator.CreateInstance(typeof(ValueList<>).MakeGenericType(elementType), array)!;
    }

    private static string Str(int i) => i.ToString(CultureInfo.InvariantCulture);
}
