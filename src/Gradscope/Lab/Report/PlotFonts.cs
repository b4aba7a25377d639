using ScottPlot;
using SkiaSharp;

namespace Gradscope.Lab.Report;

/// <summary>
/// The font every figure uses. SkiaSharp's Linux "NoDependencies" native build has no fontconfig: it scans
/// <c>/usr/share/fonts</c> itself, and ScottPlot's default is then whichever family comes first (often a
/// serif). We ask for a sans family by name, in order of preference; <c>GRADSCOPE_FONT=/path/font.ttf</c>
/// overrides the search (for machines without fonts under <c>/usr/share/fonts</c>, where plots would otherwise
/// render without any text; Debian: <c>apt-get install fonts-dejavu-core</c>).
/// </summary>
internal static class PlotFonts
{
    public const string EnvironmentVariable = "GRADSCOPE_FONT";

    private const string FileFontName = "Gradscope Report Font";

    private static readonly string[] PreferredFamilies =
        ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "Segoe UI"];

    private static readonly Lazy<string?> Resolved = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The family used, or null when no font at all could be found (figures then carry no text).</summary>
    public static string? Family => Resolved.Value;

    public static string MissingFontNote =>
        "No font was found (SkiaSharp looks under /usr/share/fonts): the figures have no text. "
        + $"Install fonts-dejavu-core, or set {EnvironmentVariable}=/path/to/font.ttf.";

    public static void Apply(Plot plot)
    {
        if (Family is { } family)
        {
            plot.Font.Set(family);
            plot.Legend.FontName = family;
        }
    }

    private static string? Resolve()
    {
        string? file = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(file) && File.Exists(file))
        {
            // Titles are bold: register the same file for both weights so the title does not fall back.
            Fonts.AddFontFile(FileFontName, file, bold: false);
            Fonts.AddFontFile(FileFontName, file, bold: true);
            return FileFontName;
        }

        SKFontManager manager = SKFontManager.Default;
        foreach (string family in PreferredFamilies)
        {
            using SKTypeface? typeface = manager.MatchFamily(family);
            if (typeface is not null && string.Equals(typeface.FamilyName, family, StringComparison.OrdinalIgnoreCase))
            {
                return family;
            }
        }

        // Anything at all beats invisible text; prefer a family whose name says sans.
        string[] families = manager.GetFontFamilies();
        return families.FirstOrDefault(f => f.Contains("Sans", StringComparison.OrdinalIgnoreCase) && !f.Contains("Mono", StringComparison.OrdinalIgnoreCase))
            ?? families.FirstOrDefault();
    }
}
