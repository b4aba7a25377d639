using Gradscope.Cli;

namespace Gradscope.Tests.Cli;

/// <summary>Runs the CLI in-process with captured stdout/stderr, against a temporary store.</summary>
internal sealed class CliHarness : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), $"gs-cli-{Guid.NewGuid():N}");

    public string Store => Path.Combine(Dir, "store");

    public CliHarness() => Directory.CreateDirectory(Dir);

    public (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>Runs with --store pointing at this harness's store.</summary>
    public (int Code, string Out, string Err) RunStored(params string[] args) => Run([.. args, "--store", Store]);

    public string Write(string name, string text)
    {
        var p = Path.Combine(Dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    public const string TinySpec = """
        name: tiny
        seed: 3
        data: { kind: linear-teacher, inputs: 4, outputs: 3, samples: 32, singular_values: [2, 1], whiten: true }
        model: { kind: deep-linear, widths: [4, 5, 3], init: { kind: normal, std: 0.3 } }
        optimizer: { kind: momentum, lr: 0.05, momentum: 0.9 }
        steps: 60
        probes:
          - { kind: loss, every: 5 }
          - { kind: grad-norm, every: 10 }
        checkpoints: { every: 20 }
        """;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
