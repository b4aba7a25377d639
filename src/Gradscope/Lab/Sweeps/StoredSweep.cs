using System.Text.Json;
using Gradscope.Lab.Spec;

namespace Gradscope.Lab.Sweeps;

/// <summary>
/// How a sweep is kept in the store (<c>sweeps.spec</c>): its own text, format, file name and the
/// folder its relative paths resolve against, so any worker re-reads it and expands exactly the same
/// trials (the expansion is deterministic). Workers on other machines need that folder on a shared
/// filesystem when the base spec is a separate file.
/// </summary>
public static class StoredSweep
{
    public static string ToJson(SweepSpec s, string format) => JsonSerializer.Serialize(new Dictionary<string, string?>
    {
        ["name"] = s.Name,
        ["format"] = format,
        ["origin"] = s.Origin,
        ["directory"] = s.Origin is null ? s.BaseDirectory : Path.GetDirectoryName(Path.GetFullPath(s.Origin)),
        ["text"] = s.Canonical,
    });

    public static SweepSpec FromJson(string json)
    {
        var d = JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? throw new SpecException("stored sweep: not a JSON object");
        string text = d.GetValueOrDefault("text") ?? throw new SpecException("stored sweep: no text");
        return SweepLoader.Parse(text, d.GetValueOrDefault("format"), d.GetValueOrDefault("origin"), d.GetValueOrDefault("directory"));
    }
}
