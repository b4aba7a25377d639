using System.Globalization;

namespace Gradscope.Lab.Spec;

/// <summary>The value type of a spec key.</summary>
public enum SpecType
{
    String,

    /// <summary>A file that must exist; relative paths resolve against the spec file's directory.</summary>
    Path,
    Bool,
    Int,
    Long,
    Double,

    /// <summary>One of the kebab-case values of <see cref="SpecField.EnumType"/>.</summary>
    Enum,
    IntList,
    DoubleList,
    StringList,

    /// <summary>A nested mapping described by the section <see cref="SpecField.Child"/>.</summary>
    Section,

    /// <summary>A list of mappings, each described by the section <see cref="SpecField.Child"/>.</summary>
    SectionList,
}

/// <summary>A numeric interval; for lists it applies to every entry.</summary>
public sealed record SpecRange(double? Min, bool MinExclusive, double? Max, bool MaxExclusive)
{
    public static SpecRange Positive { get; } = new(0, true, null, false);

    public static SpecRange NonNegative { get; } = new(0, false, null, false);

    public static SpecRange AtLeast(double min) => new(min, false, null, false);

    /// <summary>[0, 1): momenta, betas, fractions.</summary>
    public static SpecRange UnitOpen { get; } = new(0, false, 1, true);

    public bool Contains(double x) =>
        (Min is not double lo || (MinExclusive ? x > lo : x >= lo)) &&
        (Max is not double hi || (MaxExclusive ? x < hi : x <= hi));

    /// <summary>"must be &gt; 0", "must be in [0, 1)".</summary>
    public string Describe()
    {
        if (Min is double lo && Max is double hi)
        {
            return $"must be in {(MinExclusive ? "(" : "[")}{Num(lo)}, {Num(hi)}{(MaxExclusive ? ")" : "]")}";
        }
        if (Min is double a)
        {
            return $"must be {(MinExclusive ? ">" : ">=")} {Num(a)}";
        }
        return Max is double b ? $"must be {(MaxExclusive ? "<" : "<=")} {Num(b)}" : "any value";
    }

    /// <summary>"&gt; 0", "[0, 1)" for tables.</summary>
    public string Short() => Describe().Replace("must be in ", "", StringComparison.Ordinal).Replace("must be ", "", StringComparison.Ordinal);

    internal static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A section of the spec: the root, or a nested mapping (data, model, model.init ...).</summary>
/// <param name="Name">Identifier used by <see cref="SpecField.Section"/> and <see cref="SpecField.Child"/>.</param>
/// <param name="Path">Where it sits in a spec (<c>model.init</c>, <c>probes[]</c>), for docs.</param>
/// <param name="RecordType">The typed record it binds to.</param>
/// <param name="KindEnum">The enum of its <c>kind</c> discriminator, or null when it has none.</param>
public sealed record SpecSection(string Name, string Path, Type RecordType, Type? KindEnum, string Description);

/// <summary>
/// One row of the spec's declarative table (<see cref="SpecTable.Fields"/>): a key of a section,
/// the kinds it applies to, its type, constraint, default and meaning. A key may have several
/// rows with disjoint <see cref="Kinds"/> when its default or type differs by kind.
/// </summary>
public sealed record SpecField(string Section, string Key, SpecType Type, string Description)
{
    /// <summary>The values of the section's <c>kind</c> this key applies to; null = every kind.</summary>
    public IReadOnlyList<Enum>? Kinds { get; init; }

    /// <summary>For <see cref="SpecType.Enum"/>: the enum whose kebab-case member names are the allowed values.</summary>
    public Type? EnumType { get; init; }

    /// <summary>For <see cref="SpecType.Section"/> and <see cref="SpecType.SectionList"/>: the nested section's name.</summary>
    public string? Child { get; init; }

    public bool Required { get; init; }

    /// <summary>The value used when the key is absent (typed: int, long, double, bool, string, enum member, ValueList).</summary>
    public object? Default { get; init; }

    /// <summary>For docs: a default that depends on other keys ("model.widths[0]") or has no value ("full batch").</summary>
    public string? DefaultNote { get; init; }

    /// <summary>Numeric interval (for lists: of every entry).</summary>
    public SpecRange? Range { get; init; }

    public int? MinCount { get; init; }

    public int? MaxCount { get; init; }

    /// <summary>Regular expression a string must match in full.</summary>
    public string? Pattern { get; init; }

    /// <summary>The record property it binds to, when not the PascalCase form of <see cref="Key"/>.</summary>
    public string? Property { get; init; }

    public string PropertyName => Property ?? SpecNames.Pascal(Key);

    public bool AppliesTo(Enum? kind) => Kinds is null || kind is null || Kinds.Contains(kind);
}
