using System.Diagnostics;
using System.Text.Json;
using Gradscope.Tensors;

namespace Gradscope.Tests.Cli;

/// <summary>
/// A run killed with SIGKILL mid-way and resumed ends bitwise where an uninterrupted run ends,
/// with every metric row present exactly once.
/// </summary>
public class KillResumeTests
{
    private const string Spec = """
        name: killme
        seed: 5
        data: { kind: linear-teacher, inputs: 16, outputs: 8, samples: 512, singular_values: [3, 2, 1], whiten: true }
        model: { kind: mlp, widths: [16, 96, 8], activation: tanh, init: { kind: xavier-normal } }
        optimizer: { kind: adam, lr: 0.001, batch_size: 128 }
        steps: 6000
        probes:
          - { kind: loss, every: 50 }
          - { kind: update-norm, every: 50 }
        checkpoints: { every: 2000 }
        """;

    [Fact]
    public void ResumeAfterKill9ReproducesTheUninterruptedRunBitwise()
    {
        using var h = new CliHarness();
        var spec = h.Write("killme.yaml", Spec);
        string dll = Path.Combine(AppContext.BaseDirectory, "Gradscope.Cli.dll");
        Assert.True(File.Exists(dll), dll);

        // 1. Run it in a child process that SIGKILLs itself at step 4321: after the checkpoint at
        //    4000, with metrics past it partly written (fault injection; the same signal as kill -9).
        var killedStore = Path.Combine(h.Dir, "killed");
        var psi = new ProcessStartInfo("dotnet", [dll, "run", spec, "--store", killedStore, "--json"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment[Gradscope.Lab.RunExecutor.FaultKillAtStepVariable] = "4321";
        using (var child = Process.Start(psi)!)
        {
            string err = child.StandardError.ReadToEnd();
            child.WaitForExit();
            Assert.True(child.ExitCode == 137, $"exit {child.ExitCode}: {err}");   // 128 + SIGKILL
        }
        var runs = JsonDocument.Parse(h.Run("runs", "--json", "--store", killedStore).Out).RootElement;
        string id = runs[0].GetProperty("id").GetString()!;
        Assert.Equal("running", runs[0].GetProperty("status").GetString());

        // 2. Resume it, and run the same spec uninterrupted in another store.
        var resumed = h.Run("resume", id, "--store", killedStore, "--json");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Equal("completed", JsonDocument.Parse(resumed.Out).RootElement.GetProperty("status").GetString());
        var cleanStore = Path.Combine(h.Dir, "clean");
        var clean = h.Run("run", spec, "--store", cleanStore, "--json");
        string cleanId = JsonDocument.Parse(clean.Out).RootElement.GetProperty("id").GetString()!;

        // 3. Same final parameters, bit for bit, and the same metric rows (none lost, none duplicated).
        var a = Final(h, killedStore, id);
        var b = Final(h, cleanStore, cleanId);
        Assert.Equal(b.Tensors.Keys.Order(), a.Tensors.Keys.Order());
        foreach (var k in b.Tensors.Keys)
        {
            Assert.Equal(b.Tensors[k].Bytes, a.Tensors[k].Bytes);
        }
        var ma = h.Run("metrics", id, "--store", killedStore).Out;
        var mb = h.Run("metrics", cleanId, "--store", cleanStore).Out;
        Assert.Equal(mb, ma);
    }

    private static SafeTensorFile Final(CliHarness h, string store, string id)
    {
        var path = Path.Combine(h.Dir, $"{id}.safetensors");
        var r = h.Run("checkpoint", id, "--store", store, "--out", path);
        Assert.True(r.Code == 0, r.Err);
        return SafeTensorFile.Load(path);
    }
}
