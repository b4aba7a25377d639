using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gradscope.Lab.Spec;

/// <summary>
/// Reads spec text into the generic <see cref="SpecNode"/> tree: YAML through YamlDotNet's event
/// parser (so every node keeps its line and column, duplicate keys are caught, anchors, aliases
/// and &lt;&lt; merge keys work), JSON through System.Text.Json. Syntax errors become
/// <see cref="SpecError"/>s naming the file, line and column.
/// </summary>
internal static partial class SpecTreeReader
{
    public static SpecNode? Read(string text, string format, string? origin, List<SpecError> errors) =>
        format == "json" ? ReadJson(text, origin, errors) : ReadYaml(text, origin, errors);

    /// <summary>"json" for .json files or text that starts with '{', otherwise "yaml".</summary>
    public static string DetectFormat(string? hint, string text)
    {
        var h = hint?.Trim().TrimStart('.').ToLowerInvariant();
        if (h is "json")
        {
            return "json";
        }
        if (h is "yaml" or "yml")
        {
            return "yaml";
        }
        return text.TrimStart().StartsWith('{') ? "json" : "yaml";
    }

    internal static string Where(string? origin, long line, long column) =>
        origin is null ? $"line {line}, column {column}" : $"{origin}:{line}:{column}";

    // ---------------- YAML ----------------

    private static SpecNode? ReadYaml(string text, string? origin, List<SpecError> errors)
    {
        var scanner = new Scanner(new StringReader(text));
        try
        {
            var parser = new Parser(scanner);
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                errors.Add(new SpecError("", "the spec is empty") { Source = origin });
                return null;
            }
            parser.Consume<DocumentStart>();
            var reader = new YamlReader(parser, origin, errors);
            var root = reader.ReadNode("");
            parser.Consume<DocumentEnd>();
            if (!parser.TryConsume<StreamEnd>(out _))
            {
                var at = parser.Current?.Start;
                errors.Add(new SpecError("", "more than one YAML document (only one spec per file)")
                {
                    Source = at is Mark m ? Where(origin, m.Line, m.Column) : origin,
                });
                return null;
            }
            return root;
        }
        catch (YamlException e)
        {
            errors.Add(new SpecError("", "malformed YAML: " + StripMark(e.Message)) { Source = Where(origin, e.Start.Line, e.Start.Column) });
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (e.g. an unclosed flow
            // sequence at the end of the text): report where it stopped.
            var at = scanner.CurrentPosition;
            errors.Add(new SpecError("", "malformed YAML: cannot parse here (an unclosed [ or { before it?)") { Source = Where(origin, at.Line, at.Column) });
            return null;
        }
    }

    // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we give the place ourselves.
    private static string StripMark(string message) => MarkPrefix().Replace(message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex MarkPrefix();

    private sealed class YamlReader(IParser parser, string? origin, List<SpecError> errors)
    {
        private readonly Dictionary<string, SpecNode> _anchors = [];

        private string At(Mark m) => Where(origin, m.Line, m.Column);

        public SpecNode ReadNode(string path)
        {
            var ev = parser.Current ?? throw new YamlException("unexpected end of the document");
            switch (ev)
            {
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (_anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        var copy = target.DeepClone();
                        return copy;
                    }
                    throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
                case Scalar s:
                {
                    parser.MoveNext();
                    bool quoted = s.Style is not ScalarStyle.Plain || (!s.Tag.IsEmpty && s.Tag.Value is "tag:yaml.org,2002:str" or "!!str");
                    bool isNull = !quoted && s.Value is "" or "~" or "null" or "Null" or "NULL";
                    var node = new SpecScalar(s.Value, quoted, isNull) { Source = At(s.Start) };
                    Remember(s.Anchor, node);
                    return node;
                }
                case SequenceStart ss:
                {
                    parser.MoveNext();
                    var seq = new SpecSeq { Source = At(ss.Start) };
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        seq.Items.Add(ReadNode(Join(path, seq.Items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                    }
                    Remember(ss.Anchor, seq);
                    return seq;
                }
                case MappingStart ms:
                {
                    parser.MoveNext();
                    var map = new SpecMap { Source = At(ms.Start) };
                    var merges = new List<SpecNode>();
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var keyEvent = parser.Current;
                        if (keyEvent is not Scalar key)
                        {
                            var bad = ReadNode(path);
                            errors.Add(new SpecError(path, "keys must be plain strings") { Source = bad.Source });
                            ReadNode(path);
                            continue;
                        }
                        parser.MoveNext();
                        var keyPath = Join(path, key.Value);
                        var value = ReadNode(keyPath);
                        if (key.Value == "<<" && key.Style == ScalarStyle.Plain)
                        {
                            merges.Add(value);
                        }
                        else if (map.Get(key.Value) is not null)
                        {
                            errors.Add(new SpecError(keyPath, "duplicate key") { Source = At(key.Start) });
                        }
                        else
                        {
                            map.Entries.Add(new(key.Value, value));
                            map.KeySources[key.Value] = At(key.Start);
                        }
                    }
                    foreach (var m in merges)
                    {
                        Merge(map, m, path);
                    }
                    Remember(ms.Anchor, map);
                    return map;
                }
                default:
                    throw new YamlException(ev.Start, ev.End, $"unexpected {ev.GetType().Name}");
            }
        }

        // YAML merge keys: entries of the merged mapping(s) that the mapping does not set itself.
        private void Merge(SpecMap into, SpecNode from, string path)
        {
            if (from is SpecSeq seq)
            {
                foreach (var item in seq.Items)
                {
                    Merge(into, item, path);
                }
                return;
            }
            if (from is not SpecMap m)
            {
                errors.Add(new SpecError(path, "a << merge key needs a mapping (or a list of mappings)") { Source = from.Source });
                return;
            }
            foreach (var e in m.Entries)
            {
                if (into.Get(e.Key) is null)
                {
                    into.Entries.Add(new(e.Key, e.Value.DeepClone()));
                }
            }
        }

        private void Remember(YamlDotNet.Core.AnchorName anchor, SpecNode node)
        {
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = node;
            }
        }
    }

    internal static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    // ---------------- JSON ----------------

    private static SpecNode? ReadJson(string text, string? origin, List<SpecError> errors)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            return FromJson(doc.RootElement, "", origin, errors);
        }
        catch (JsonException e)
        {
            long line = (e.LineNumber ?? 0) + 1, col = (e.BytePositionInLine ?? 0) + 1;
            var msg = e.Message;
            int cut = msg.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut < 0)
            {
                cut = msg.IndexOf(" LineNumber:", StringComparison.Ordinal);
            }
            if (cut > 0)
            {
                msg = msg[..cut];
            }
            errors.Add(new SpecError("", "malformed JSON: " + msg) { Source = Where(origin, line, col) });
            return null;
        }
    }

    private static SpecNode FromJson(JsonElement e, string path, string? origin, List<SpecError> errors)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var map = new SpecMap { Source = origin };
                foreach (var p in e.EnumerateObject())
                {
                    var keyPath = Join(path, p.Name);
                    if (map.Get(p.Name) is not null)
                    {
                        errors.Add(new SpecError(keyPath, "duplicate key") { Source = origin });
                        continue;
                    }
                    map.Entries.Add(new(p.Name, FromJson(p.Value, keyPath, origin, errors)));
                }
                return map;
            }
            case JsonValueKind.Array:
            {
                var seq = new SpecSeq { Source = origin };
                int i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    seq.Items.Add(FromJson(item, Join(path, (i++).ToString(System.Globalization.CultureInfo.InvariantCulture)), origin, errors));
                }
                return seq;
            }
            case JsonValueKind.String:
                return new SpecScalar(e.GetString()!, true, false) { Source = origin };
            case JsonValueKind.Null:
                return new SpecScalar("null", false, true) { Source = origin };
            default: // numbers, true, false: as written
                return new SpecScalar(e.GetRawText(), false, false) { Source = origin };
        }
    }
}
