using System.Globalization;
using System.Text;

namespace Gradscope.Lab.Spec;

/// <summary>
/// The key reference of docs/spec.md, generated from <see cref="SpecTable"/> (a test fails when
/// the file is out of date and rewrites it with GRADSCOPE_UPDATE_DOCS=1). Markdown: one table per
/// section (key, type, kinds, default, constraint, meaning), the cross-key rules, and every
/// enumeration's values with their meaning.
/// </summary>
public static class SpecDocs
{
    public const string BeginMarker = "<!-- BEGIN GENERATED REFERENCE: SpecDocs.GenerateReference(); do not edit by hand -->";
    public const string EndMarker = "<!-- END GENERATED REFERENCE -->";

    public static string GenerateReference()
    {
        var sb = new StringBuilder();
        sb.Append("## Reference\n\n");
        sb.Append("Keys are snake_case, values kebab-case. *Applies to* lists the values of the section's `kind` that use the key ");
        sb.Append("(any other kind rejects it); *default* is used when the key is absent or null.\n");
        foreach (var section in SpecTable.Sections)
        {
            sb.Append('\n');
            sb.Append(section.Path.Length == 0 ? "### Top level\n\n" : $"### `{section.Path}`\n\n");
            sb.Append(section.Description).Append("\n\n");
            sb.Append("| key | type | applies to | default | constraint | meaning |\n");
            sb.Append("|---|---|---|---|---|---|\n");
            foreach (var row in SpecTable.FieldsOf(section.Name))
            {
                sb.Append("| `").Append(row.Key).Append("` | ")
                    .Append(TypeText(row)).Append(" | ")
                    .Append(row.Kinds is null ? "all" : string.Join(", ", row.Kinds.Select(k => $"`{SpecNames.Kebab(k)}`"))).Append(" | ")
                    .Append(DefaultText(row)).Append(" | ")
                    .Append(ConstraintText(row)).Append(" | ")
                    .Append(Escape(row.Description)).Append(" |\n");
            }
        }
        sb.Append("\n### Rules across keys\n\n");
        foreach (var rule in SpecTable.Rules)
        {
            sb.Append("- ").Append(rule).Append('\n');
        }
        sb.Append("\n### Values\n");
        foreach (var (type, values) in SpecTable.Vocabulary)
        {
            var usedBy = SpecTable.Fields.Where(f => f.EnumType == type)
                .Select(f => $"`{Dotted(f)}`").Distinct().ToList();
            sb.Append("\n#### ").Append(string.Join(", ", usedBy)).Append("\n\n");
            foreach (var (value, description) in values)
            {
                sb.Append("- `").Append(SpecNames.Kebab(value)).Append("`: ").Append(Escape(description)).Append('\n');
            }
            if (SpecTable.Aliases.TryGetValue(type, out var aliases))
            {
                sb.Append("- also accepted: ")
                    .Append(string.Join(", ", aliases.Select(a => $"`{a.Key}` (= `{SpecNames.Kebab(a.Value)}`)")))
                    .Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>Replaces the generated part of a docs file's text (between the markers) with the current reference.</summary>
    public static string UpdateDocument(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        int b = document.IndexOf(BeginMarker, StringComparison.Ordinal);
        int e = document.IndexOf(EndMarker, StringComparison.Ordinal);
        if (b < 0 || e < b)
        {
            throw new InvalidOperationException($"the document has no {BeginMarker} ... {EndMarker} section");
        }
        return document[..(b + BeginMarker.Length)] + "\n" + GenerateReference() + document[e..];
    }

    private static string Dotted(SpecField f)
    {
        var path = SpecTable.SectionNamed(f.Section).Path;
        return path.Length == 0 ? f.Key : $"{path}.{f.Key}";
    }

    private static string TypeText(SpecField row) => row.Type switch
    {
        SpecType.String => "string",
        SpecType.Path => "file path",
        SpecType.Bool => "bool",
        SpecType.Int or SpecType.Long => "integer",
        SpecType.Double => "number",
        SpecType.Enum => "one of " + string.Join(", ", SpecTable.ValuesOf(row.EnumType!).Select(v => $"`{v}`")),
        SpecType.IntList => "list of integers",
        SpecType.DoubleList => "list of numbers",
        SpecType.StringList => "list of strings",
        SpecType.Section => $"mapping: [`{SpecTable.SectionNamed(row.Child!).Path}`](#{Anchor(SpecTable.SectionNamed(row.Child!).Path)})",
        SpecType.SectionList => $"list of mappings: [`{SpecTable.SectionNamed(row.Child!).Path}`](#{Anchor(SpecTable.SectionNamed(row.Child!).Path)})",
        _ => row.Type.ToString(),
    };

    // GitHub's heading anchors: lower-case, punctuation other than '-' and '_' dropped.
    private static string Anchor(string path) => new(path.Where(c => char.IsLetterOrDigit(c) || c is '-' or '_').ToArray());

    private static string DefaultText(SpecField row)
    {
        if (row.Required)
        {
            return "**required**";
        }
        if (row.Default is not null)
        {
            return "`" + Format(row.Default) + "`";
        }
        return row.DefaultNote is string note ? Escape(note) : "—";
    }

    private static string ConstraintText(SpecField row)
    {
        var parts = new List<string>();
        if (row.Range is { } r)
        {
            parts.Add(row.Type is SpecType.IntList or SpecType.DoubleList ? "each " + r.Short() : r.Short());
        }
        if (row.MinCount is int lo && row.MaxCount is int hi)
        {
            parts.Add(lo == hi ? $"exactly {lo} entries" : $"{lo}–{hi} entries");
        }
        else if (row.MinCount is int lo2)
        {
            parts.Add(lo2 == 1 ? "not empty" : $"at least {lo2} entries");
        }
        else if (row.MaxCount is int hi2)
        {
            parts.Add($"at most {hi2} entries");
        }
        if (row.Pattern is string p)
        {
            parts.Add($"matches `{p}`");
        }
        if (row.Type == SpecType.Path)
        {
            parts.Add("must exist");
        }
        return parts.Count == 0 ? "" : Escape(string.Join("; ", parts));
    }

    private static string Format(object value) => value switch
    {
        Enum e => SpecNames.Kebab(e),
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list and not string => "[" + string.Join(", ", list.Cast<object>().Select(Format)) + "]",
        _ => value.ToString() ?? "",
    };

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);
}
