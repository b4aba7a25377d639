namespace Gradscope.Lab.Spec;

/// <summary>
/// The one way into the experiment spec: YAML or JSON text -> generic tree -> <c>--set</c>
/// overrides -> binding and checks against <see cref="SpecTable"/> -> defaults -> an immutable
/// <see cref="ExperimentSpec"/>. Nothing else in the system sees raw YAML. Every problem found is
/// reported together in one <see cref="SpecException"/> (the CLI's exit code 2).
/// </summary>
public static class SpecLoader
{
    /// <summary>Loads a spec file (.yaml, .yml or .json); relative file paths in it resolve against its directory.</summary>
    public static ExperimentSpec LoadFile(string path, IEnumerable<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new SpecException(path, [new SpecError("", $"spec file not found: {path}")]);
        }
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpecException(path, [new SpecError("", $"cannot read the spec file: {e.Message}")]);
        }
        var full = Path.GetFullPath(path);
        return Load(text, Path.GetExtension(path), path, Path.GetDirectoryName(full), overrides);
    }

    /// <summary>
    /// Parses spec text. <paramref name="formatHint"/>: "yaml", "yml" or "json" (or a file extension);
    /// null guesses from the text. Relative file paths resolve against <paramref name="baseDirectory"/>
    /// (default: the working directory).
    /// </summary>
    public static ExperimentSpec Parse(string text, string? formatHint = null, IEnumerable<string>? overrides = null, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Load(text, formatHint, null, baseDirectory, overrides);
    }

    /// <summary>The canonical JSON of a resolved spec (stored with each run; parses back to an equal spec).</summary>
    public static string ToJson(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return SpecJson.Write(spec);
    }

    /// <summary>A run spec from an already-read tree (a sweep's <c>base</c>), with overrides (the sweep's axis values).</summary>
    internal static ExperimentSpec FromTree(SpecNode tree, string? origin, string? baseDirectory, IEnumerable<string> overrides)
    {
        var errors = new List<SpecError>();
        var t = SpecOverrides.Apply(tree.DeepClone(), overrides, errors);
        return Finish(t, errors, origin, baseDirectory);
    }

    private static ExperimentSpec Load(string text, string? formatHint, string? origin, string? baseDirectory, IEnumerable<string>? overrides)
    {
        var errors = new List<SpecError>();
        var format = SpecTreeReader.DetectFormat(formatHint, text);
        var tree = SpecTreeReader.Read(text, format, origin, errors);
        if (tree is null && errors.Count == 0)
        {
            errors.Add(new SpecError("", "the spec is empty") { Source = origin });
        }
        if (errors.Count > 0)
        {
            throw new SpecException(origin, errors);
        }
        var overrideList = overrides?.ToList() ?? [];
        if (overrideList.Count > 0)
        {
            tree = SpecOverrides.Apply(tree!, overrideList, errors);
        }
        return Finish(tree!, errors, origin, baseDirectory);
    }

    private static ExperimentSpec Finish(SpecNode tree, List<SpecError> errors, string? origin, string? baseDirectory)
    {
        var binder = new SpecBinder(baseDirectory is null ? null : Path.GetFullPath(baseDirectory), errors);
        var spec = binder.Bind(tree);
        if (spec is not null)
        {
            new SpecChecks(binder).Check(spec);
        }
        if (errors.Count > 0 || spec is null)
        {
            throw new SpecException(origin, errors);
        }
        return SpecDefaults.Apply(spec, binder.Given);
    }
}
