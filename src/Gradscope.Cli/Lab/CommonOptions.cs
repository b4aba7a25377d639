using System.CommandLine;

namespace Gradscope.Cli.Lab;

internal static class CommonOptions
{
    public static Option<string?> Store() => new("--store")
    {
        Description = "Run store: a directory (default ./runs, or $GRADSCOPE_STORE) or a postgres:// URL",
    };

    public static Option<bool> Json(string what = "Print exactly one JSON object on stdout") => new("--json") { Description = what };

    public static Argument<string> Run() => new("RUN") { Description = "Run id, a unique prefix of it, or 'last'" };
}
