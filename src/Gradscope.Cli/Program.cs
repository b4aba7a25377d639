using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using Gradscope.Cli.Commands;
using Gradscope.Cli.Lab;

namespace Gradscope.Cli;

/// <summary>
/// The <c>gradscope</c> command line. Exit codes (DESIGN.md 3.1): 0 success, 2 bad input
/// (arguments, specs, files; including every System.CommandLine parse error), 1 internal error.
/// Machine-readable output goes to stdout, progress and diagnostics to stderr.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the CLI with the given writers (tests capture stdout and stderr this way).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        RootCommand root = CreateRootCommand();
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                stderr.WriteLine($"gradscope: {error.Message}");
            }
            stderr.WriteLine("Run 'gradscope --help' (or the command with --help) for usage.");
            return ExitCodes.BadInput;
        }
        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr };
        try
        {
            return parsed.Invoke(configuration);
        }
        catch (Exception e)
        {
            stderr.WriteLine($"gradscope: internal error: {e}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The command tree; each command lives in its own file under Commands/.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Gradscope — a laboratory for the training dynamics of neural networks");
        // The built-in --version reports the entry assembly, which is the test host when the CLI runs
        // in-process; report this assembly's version instead.
        foreach (var option in root.Options)
        {
            if (option is VersionOption)
            {
                option.Action = new PrintVersionAction();
            }
        }
        root.Subcommands.Add(RunCommands.Run());
        root.Subcommands.Add(RunCommands.Resume());
        root.Subcommands.Add(StoreCommands.Runs());
        root.Subcommands.Add(StoreCommands.Show());
        root.Subcommands.Add(StoreCommands.Metrics());
        root.Subcommands.Add(StoreCommands.Checkpoint());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(GalleryCommand.Create());
        root.Subcommands.Add(SchemaCommand.Create());
        root.Subcommands.Add(HessianCommand.Create());
        root.Subcommands.Add(SweepCommands.Sweep());
        root.Subcommands.Add(SweepCommands.Worker());
        root.Subcommands.Add(SweepCommands.Summary());
        root.Subcommands.Add(LandscapeCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }

    /// <summary>The CLI's version: the informational version without a +commit suffix (0.1.0).</summary>
    public static string Version
    {
        get
        {
            var assembly = typeof(Program).Assembly;
            string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? assembly.GetName().Version?.ToString(3) ?? "0.0.0";
            int plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? version : version[..plus];
        }
    }

    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return ExitCodes.Success;
        }
    }
}
