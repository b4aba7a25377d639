namespace Gradscope.Lab.Spec;

/// <summary>
/// One problem with a spec: the dotted field path (<c>optimizer.lr</c>, <c>model.widths.1</c>,
/// <c>probes.0.every</c>; empty for the document as a whole) and what is wrong. <see cref="Source"/>
/// says where the offending value was written (<c>saxe.yaml:14:7</c>, or <c>--set</c>) when known.
/// </summary>
public sealed record SpecError(string Path, string Message)
{
    public string? Source { get; init; }

    /// <summary><c>optimizer.lr: must be &gt; 0, got -1</c>, preceded by the source when known.</summary>
    public override string ToString()
    {
        var head = Path.Length == 0 ? Message : $"{Path}: {Message}";
        return Source is null ? head : $"{Source}: {head}";
    }
}

/// <summary>
/// A spec that cannot be used: every error found (the loader collects them all rather than
/// stopping at the first). The CLI maps it to exit code 2 (bad input).
/// </summary>
public sealed class SpecException : Exception
{
    public SpecException(string? origin, IReadOnlyList<SpecError> errors)
        : base(Format(origin, errors))
    {
        Origin = origin;
        Errors = errors;
    }

    public SpecException()
        : this(null, [])
    {
    }

    public SpecException(string message)
        : this(null, [new SpecError("", message)])
    {
    }

    public SpecException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new SpecError("", message)];
    }

    /// <summary>The spec file (or null for text given directly).</summary>
    public string? Origin { get; }

    public IReadOnlyList<SpecError> Errors { get; }

    private static string Format(string? origin, IReadOnlyList<SpecError> errors)
    {
        var what = origin is null ? "invalid spec" : $"invalid spec {origin}";
        return errors.Count switch
        {
            0 => what,
            1 => $"{what}: {errors[0]}",
            _ => $"{what} ({errors.Count} errors):\n" + string.Join("\n", errors.Select(e => "  " + e)),
        };
    }
}
