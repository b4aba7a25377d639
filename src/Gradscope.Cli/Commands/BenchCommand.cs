using System.CommandLine;

namespace Gradscope.Cli.Commands;

/// <summary><c>gradscope bench</c>: micro-benchmarks of the engine (subcommands: gemm, hessian).</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure the engine's kernels on this machine");
        bench.Subcommands.Add(BenchGemmCommand.Create());
        bench.Subcommands.Add(BenchHessianCommand.Create());
        bench.Subcommands.Add(BenchLandscapeCommand.Create());
        bench.Subcommands.Add(BenchEnsembleCommand.Create());
        return bench;
    }
}
