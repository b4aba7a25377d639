using System.CommandLine;
using Gradscope.Lab.Spec;

namespace Gradscope.Cli.Lab;

/// <summary><c>gradscope schema</c>: the JSON Schema of the experiment spec.</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var cmd = new Command("schema", "Print the JSON Schema (draft 2020-12) of the experiment spec");
        cmd.SetAction(p =>
        {
            p.InvocationConfiguration.Output.WriteLine(SpecSchema.Generate());
            return ExitCodes.Success;
        });
        return cmd;
    }
}
