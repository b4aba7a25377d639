namespace Gradscope.Lab.Spec;

/// <summary>
/// The generic tree a spec is read into before binding (YAML and JSON alike): mappings,
/// sequences and scalars, each remembering where it was written so errors can point at it.
/// Mutable so that <c>--set</c> overrides can be applied; never leaves the spec layer.
/// </summary>
internal abstract class SpecNode
{
    /// <summary>"file:line:col", "--set", or null.</summary>
    public string? Source { get; set; }

    /// <summary>True when the value came from a <c>--set</c> override (relative paths then resolve against the working directory).</summary>
    public bool FromOverride { get; set; }

    public abstract SpecNode DeepClone();
}

internal sealed class SpecMap : SpecNode
{
    public List<KeyValuePair<string, SpecNode>> Entries { get; } = [];

    /// <summary>Where each key was written (YAML), for errors about the key itself.</summary>
    public Dictionary<string, string?> KeySources { get; } = [];

    public string? KeySource(string key) => KeySources.TryGetValue(key, out var s) && s is not null ? s : Get(key)?.Source;

    public SpecNode? Get(string key)
    {
        foreach (var e in Entries)
        {
            if (e.Key == key)
            {
                return e.Value;
            }
        }
        return null;
    }

    public void Set(string key, SpecNode value)
    {
        for (int i = 0; i < Entries.Count; i++)
        {
            if (Entries[i].Key == key)
            {
                Entries[i] = new(key, value);
                return;
            }
        }
        Entries.Add(new(key, value));
    }

    public override SpecNode DeepClone()
    {
        var m = new SpecMap { Source = Source, FromOverride = FromOverride };
        foreach (var e in Entries)
        {
            m.Entries.Add(new(e.Key, e.Value.DeepClone()));
        }
        foreach (var (k, v) in KeySources)
        {
            m.KeySources[k] = v;
        }
        return m;
    }
}

internal sealed class SpecSeq : SpecNode
{
    public List<SpecNode> Items { get; } = [];

    public override SpecNode DeepClone()
    {
        var s = new SpecSeq { Source = Source, FromOverride = FromOverride };
        s.Items.AddRange(Items.Select(i => i.DeepClone()));
        return s;
    }
}

/// <summary>
/// A scalar as written. <see cref="Quoted"/> marks a string by syntax (a quoted YAML scalar, a
/// JSON string): such a value is never read as a number or boolean. <see cref="IsNull"/> marks
/// YAML's null/~/empty and JSON's null, which the binder treats as an absent key.
/// </summary>
internal sealed class SpecScalar(string text, bool quoted, bool isNull) : SpecNode
{
    public string Text { get; } = text;

    public bool Quoted { get; } = quoted;

    public bool IsNull { get; } = isNull;

    public override SpecNode DeepClone() => new SpecScalar(Text, Quoted, IsNull) { Source = Source, FromOverride = FromOverride };

    /// <summary>How the value reads in an error message: 'text' for strings, text for numbers.</summary>
    public string Display => Quoted ? $"'{Text}'" : Text;
}
