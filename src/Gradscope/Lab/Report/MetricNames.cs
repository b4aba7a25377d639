using System.Globalization;

namespace Gradscope.Lab.Report;

/// <summary>
/// The metric vocabulary of DESIGN.md §3.2 as far as the report needs it: which names a dedicated plot
/// draws, and how the rest are grouped into families for the fallback plots.
/// </summary>
internal static class MetricNames
{
    public const string LossPrefix = "loss/";
    public const string GradNorm = "grad_norm";
    public const string GradNormPrefix = "grad_norm/";
    public const string SingularValuePrefix = "sv/";
    public const string ModePrefix = "mode/";
    public const string TheoryModePrefix = "theory/mode/";
    public const string BalancednessPrefix = "balancedness/";

    /// <summary><c>mode/3</c> -> 3, <c>theory/mode/3</c> with the theory prefix -> 3.</summary>
    public static bool TryIndex(string name, string prefix, out int index)
    {
        index = 0;
        return name.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary><c>sv/layers.0.weight/2</c> -> (<c>layers.0.weight</c>, 2).</summary>
    public static bool TrySingularValue(string name, out string parameter, out int k)
    {
        parameter = "";
        k = 0;
        if (!name.StartsWith(SingularValuePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        int slash = name.LastIndexOf('/');
        if (slash <= SingularValuePrefix.Length
            || !int.TryParse(name.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out k))
        {
            return false;
        }

        parameter = name[SingularValuePrefix.Length..slash];
        return true;
    }

    /// <summary>Whether a dedicated plot (loss, gradient norm, singular values, modes, balancedness) draws this name.</summary>
    public static bool HasDedicatedPlot(string name) =>
        name.StartsWith(LossPrefix, StringComparison.Ordinal)
        || name == GradNorm
        || name.StartsWith(GradNormPrefix, StringComparison.Ordinal)
        || TrySingularValue(name, out _, out _)
        || TryIndex(name, ModePrefix, out _)
        || TryIndex(name, TheoryModePrefix, out _)
        || name.StartsWith(BalancednessPrefix, StringComparison.Ordinal)
        || SharpnessPlot.Draws(name);

    /// <summary>
    /// Family of a name for the fallback plots: its first segment (<c>accuracy/train</c> and <c>accuracy/test</c>
    /// share <c>accuracy</c>; <c>hessian/eig/1..k</c> and <c>hessian/trace</c> share <c>hessian</c>).
    /// </summary>
    public static string Family(string name)
    {
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? name[..slash] : name;
    }

    /// <summary>The legend text of a name inside its family: the part after the family (or the name itself).</summary>
    public static string MemberLabel(string name, string family) =>
        name.Length > family.Length + 1 && name.StartsWith(family + "/", StringComparison.Ordinal)
            ? name[(family.Length + 1)..]
            : name;

    /// <summary>A file-name stem: lower-case letters, digits and underscores.</summary>
    public static string Slug(string text)
    {
        var chars = new char[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            char c = char.ToLowerInvariant(text[i]);
            chars[i] = char.IsAsciiLetterOrDigit(c) ? c : '_';
        }

        string slug = new string(chars).Trim('_');
        return slug.Length == 0 ? "metric" : slug;
    }
}
