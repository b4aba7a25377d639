using System.Globalization;
using System.Reflection;

namespace Gradscope.Lab.Store;

/// <summary>
/// The schema as numbered SQL scripts (Migrations/NNNN_name.sql, embedded in the assembly),
/// applied in order and recorded in <c>schema_version</c>. Every backend runs the same scripts,
/// so they stay within the SQL that SQLite and PostgreSQL share. To change the schema, add the
/// next number; never edit a script that has shipped.
/// </summary>
internal static class StoreMigrations
{
    private const string ResourcePrefix = "Gradscope.Lab.Store.Migrations.";

    public const string CreateVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)";

    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = Load();

    public static int LatestVersion => Scripts[^1].Version;

    private static List<(int, string, string)> Load()
    {
        var asm = typeof(StoreMigrations).Assembly;
        var scripts = new List<(int, string, string)>();
        foreach (string res in asm.GetManifestResourceNames())
        {
            if (!res.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !res.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }
            string file = res[ResourcePrefix.Length..];
            int underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(file.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            {
                throw new InvalidOperationException($"migration script '{file}' is not named NNNN_name.sql");
            }
            using var stream = asm.GetManifestResourceStream(res)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, file, reader.ReadToEnd()));
        }
        scripts.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        for (int i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Item1 != i + 1)
            {
                throw new InvalidOperationException($"migration scripts must be numbered 1, 2, 3, ... without gaps; found {scripts[i].Item2} at position {i + 1}");
            }
        }
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException("no migration scripts embedded (Lab/Store/Migrations/*.sql)");
        }
        return scripts;
    }
}
