using System.Globalization;

namespace Gradscope.Lab.Spec;

/// <summary>
/// <c>--set PATH=VALUE</c> overrides, applied to the generic tree before binding, so an
/// overridden spec is validated exactly like a written one. PATH is dotted, list entries by
/// index (<c>optimizer.lr</c>, <c>probes.0.every</c>, also <c>probes[0].every</c>); missing
/// mappings on the way are created, and index = length appends. VALUE is read as YAML: a scalar
/// (<c>0.02</c>, <c>true</c>, <c>adam</c>, <c>null</c> to unset), a flow list (<c>[8,16,8]</c>) or
/// a flow mapping (<c>{kind: normal, std: 0.1}</c>).
/// </summary>
internal static class SpecOverrides
{
    public const string Origin = "--set";

    public static SpecNode Apply(SpecNode root, IEnumerable<string> overrides, List<SpecError> errors)
    {
        foreach (var o in overrides)
        {
            int eq = o.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                errors.Add(new SpecError("", $"expected PATH=VALUE, got '{o}'") { Source = Origin });
                continue;
            }
            var pathText = o[..eq].Trim();
            var segments = pathText.Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Split('.');
            if (segments.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add(new SpecError(pathText, "malformed override path (use dots: optimizer.lr, probes.0.every)") { Source = Origin });
                continue;
            }
            var path = string.Join('.', segments);
            var valueErrors = new List<SpecError>();
            var valueText = o[(eq + 1)..];
            var value = valueText.Trim().Length == 0
                ? new SpecScalar("", false, true)
                : SpecTreeReader.Read(valueText, "yaml", $"{Origin} {path}", valueErrors);
            if (value is null || valueErrors.Count > 0)
            {
                errors.AddRange(valueErrors.Select(e => e with { Path = path }));
                continue;
            }
            Mark(value, $"{Origin} {path}");
            if (Place(root, segments, value) is string problem)
            {
                errors.Add(new SpecError(path, problem) { Source = Origin });
            }
        }
        return root;
    }

    // Walks (creating mappings as needed) and sets the value; returns a problem or null.
    private static string? Place(SpecNode root, string[] segments, SpecNode value)
    {
        var current = root;
        for (int i = 0; i < segments.Length; i++)
        {
            var seg = segments[i];
            bool last = i == segments.Length - 1;
            var soFar = string.Join('.', segments[..i]);
            switch (current)
            {
                case SpecMap map:
                {
                    if (last)
                    {
                        map.Set(seg, value);
                        map.KeySources[seg] = value.Source;
                        return null;
                    }
                    var next = map.Get(seg);
                    if (next is null or SpecScalar { IsNull: true })
                    {
                        next = IsIndex(segments[i + 1]) ? new SpecSeq { Source = Origin, FromOverride = true } : new SpecMap { Source = Origin, FromOverride = true };
                        map.Set(seg, next);
                    }
                    current = next;
                    break;
                }
                case SpecSeq seq:
                {
                    if (!int.TryParse(seg, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                    {
                        return $"{soFar} is a list: index it by number, got '{seg}'";
                    }
                    if (index == seq.Items.Count)
                    {
                        // index = length appends (a value, or a new mapping to fill in)
                        seq.Items.Add(last ? value : new SpecMap { Source = Origin, FromOverride = true });
                        if (last)
                        {
                            return null;
                        }
                    }
                    if (index >= seq.Items.Count)
                    {
                        return $"{soFar} has {seq.Items.Count} entries, no entry {index}";
                    }
                    if (last)
                    {
                        seq.Items[index] = value;
                        return null;
                    }
                    current = seq.Items[index];
                    break;
                }
                default:
                    return $"{(soFar.Length == 0 ? "the spec" : soFar)} is a single value, not a mapping or list";
            }
        }
        return null;
    }

    private static bool IsIndex(string segment) => int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static void Mark(SpecNode node, string source)
    {
        node.Source = source;
        node.FromOverride = true;
        switch (node)
        {
            case SpecMap m:
                foreach (var e in m.Entries)
                {
                    Mark(e.Value, source);
                }
                break;
            case SpecSeq s:
                foreach (var item in s.Items)
                {
                    Mark(item, source);
                }
                break;
        }
    }
}
