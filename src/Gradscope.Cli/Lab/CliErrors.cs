using Gradscope.Data;
using Gradscope.Lab;
using Gradscope.Lab.Spec;
using Gradscope.Lab.Store;

namespace Gradscope.Cli.Lab;

/// <summary>Maps exceptions to exit codes: bad input (spec, files, unknown runs) is 2 with a message; anything else 1.</summary>
internal static class CliErrors
{
    public static int Handle(Exception e, TextWriter stderr)
    {
        switch (e)
        {
            case SpecException s:
                stderr.WriteLine($"gradscope: invalid spec{(s.Origin is null ? "" : " " + s.Origin)}:");
                foreach (var err in s.Errors)
                {
                    stderr.WriteLine("  " + err);
                }
                return ExitCodes.BadInput;
            case BadInputException or DataException or StoreException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException:
                stderr.WriteLine($"gradscope: {e.Message}");
                return ExitCodes.BadInput;
            default:
                stderr.WriteLine($"gradscope: internal error: {e}");
                return ExitCodes.InternalError;
        }
    }

    /// <summary>Runs <paramref name="body"/>, translating exceptions.</summary>
    public static int Guard(TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            return Handle(e, stderr);
        }
    }
}
