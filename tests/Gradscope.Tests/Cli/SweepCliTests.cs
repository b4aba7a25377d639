using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Gradscope.Tests.Lab.Store;
using Xunit.Abstractions;

namespace Gradscope.Tests.Cli;

/// <summary>
/// Issue 6's acceptance for local sweeps: every trial once with two workers, a trial's summary equal to
/// the same spec run alone with --set, replica batches equal to separate runs, and a worker killed with
/// SIGKILL mid-trial whose trial is re-claimed, resumed and completed once, with no duplicated metrics.
/// </summary>
public class SweepCliTests(ITestOutputHelper output)
{
    public static TheoryData<string> Backends => TestStore.Backends;

    private const string Base = """
        name: tiny
        seed: 3
        data: { kind: linear-teacher, inputs: 4, outputs: 3, samples: 32, singular_values: [2, 1], whiten: true }
        model: { kind: mlp, widths: [4, 8, 3], activation: tanh, init: { kind: xavier-normal } }
        optimizer: { kind: momentum, lr: 0.05, momentum: 0.9 }
        steps: 200
        probes:
          - { kind: loss, every: 10 }
        checkpoints: { every: 50 }
        """;

    private static string Sweep(CliHarness h, string name, string axes, string ensemble)
    {
        h.Write("base.yaml", Base);
        return h.Write(name + ".yaml", $"""
            name: {name}
            base: base.yaml
            axes:
            {axes}
            summary:
              - {"{"} name: final_loss, metric: loss/train, reduce: last {"}"}
              - {"{"} name: min_loss, metric: loss/train, reduce: min {"}"}
            ensemble: {ensemble}
            """);
    }

    private static JsonElement Summary(CliHarness h, string sweep, string store)
    {
        var r = h.Run("summary", sweep, "--format", "json", "--store", store);
        Assert.True(r.Code == 0, r.Err);
        return JsonDocument.Parse(r.Out).RootElement;
    }

    [Fact]
    public void GridWithTwoWorkersRunsEveryTrialOnceAndMatchesASoloRun()
    {
        using var h = new CliHarness();
        var file = Sweep(h, "grid", "  optimizer.lr: [0.01, 0.05, 0.2]\n  seed: [1, 2]", "off");
        var r = h.RunStored("sweep", file, "--workers", "2", "--json");
        Assert.True(r.Code == 0, r.Err);
        var o = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal(6, o.GetProperty("trials").GetInt32());
        Assert.Equal(6, o.GetProperty("completed").GetInt32());
        var runs = JsonDocument.Parse(h.RunStored("runs", "--json").Out).RootElement;
        Assert.Equal(6, runs.GetArrayLength());

        var s = Summary(h, "grid", h.Store);
        Assert.Equal(["trial", "run", "status", "optimizer.lr", "seed", "final_loss", "min_loss"], s.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        var row = s.GetProperty("rows")[4];
        Assert.Equal(0.2, row.GetProperty("optimizer.lr").GetDouble());
        Assert.Equal(1, row.GetProperty("seed").GetDouble());

        // The same spec alone, with --set, in another store.
        var solo = h.Run("run", Path.Combine(h.Dir, "base.yaml"), "--set", "optimizer.lr=0.2", "--set", "seed=1", "--store", Path.Combine(h.Dir, "solo"), "--json");
        var id = JsonDocument.Parse(solo.Out).RootElement.GetProperty("id").GetString()!;
        var last = h.Run("metrics", id, "--names", "loss/train", "--store", Path.Combine(h.Dir, "solo")).Out.Trim().Split('\n')[^1].Split(',');
        double soloFinal = double.Parse(last[3], CultureInfo.InvariantCulture);
        Assert.Equal(soloFinal, row.GetProperty("final_loss").GetDouble(), 1e-12 * soloFinal);

        // The sweep's report: a phase diagram over the two axes (seed averaged) and the table.
        var rep = h.RunStored("report", "grid", "--json", "--out", Path.Combine(h.Dir, "rep"));
        Assert.True(rep.Code == 0, rep.Err);
        var files = JsonDocument.Parse(rep.Out).RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToArray();
        Assert.Contains(files, f => f.EndsWith(".png", StringComparison.Ordinal) && Path.GetFileName(f).StartsWith("lines_final_loss", StringComparison.Ordinal));
        Assert.Contains("optimizer.lr", File.ReadAllText(files[0]));

        // Running the command again resumes: nothing is left, nothing runs twice.
        var again = h.RunStored("sweep", file, "--json");
        Assert.Equal(6, JsonDocument.Parse(again.Out).RootElement.GetProperty("completed").GetInt32());
        Assert.Equal(6, JsonDocument.Parse(h.RunStored("runs", "--json").Out).RootElement.GetArrayLength());
    }

    [Fact]
    public void EnsembleSweepGivesTheSameSummariesAsSeparateRuns()
    {
        using var h = new CliHarness();
        const string axes = "  optimizer.lr: [0.01, 0.03, 0.1, 0.3]\n  seed: [1, 2, 3, 4]";
        var on = Sweep(h, "batched", axes, "on");
        var off = Sweep(h, "separate", axes, "off");
        Assert.Equal(0, h.RunStored("sweep", on, "--workers", "1").Code);
        Assert.Equal(0, h.RunStored("sweep", off, "--workers", "2").Code);
        var a = Summary(h, "batched", h.Store).GetProperty("rows");
        var b = Summary(h, "separate", h.Store).GetProperty("rows");
        Assert.Equal(16, a.GetArrayLength());
        for (int i = 0; i < 16; i++)
        {
            foreach (var col in new[] { "final_loss", "min_loss" })
            {
                double x = a[i].GetProperty(col).GetDouble(), y = b[i].GetProperty(col).GetDouble();
                Assert.True(Math.Abs(x - y) <= 1e-12 * Math.Abs(y), $"trial {i} {col}: {x} vs {y}");
            }
        }
    }

    [Fact]
    public void BadSweepsExitTwoNamingThePath()
    {
        using var h = new CliHarness();
        var bad = h.RunStored("sweep", Sweep(h, "bad", "  optimizer.lrr: [0.01]", "off"));
        Assert.Equal(2, bad.Code);
        Assert.Contains("axes.optimizer.lrr", bad.Err);
        Assert.Equal("[]", h.RunStored("runs", "--json").Out.Trim());
        Assert.Equal(2, h.RunStored("summary", "no-such-sweep").Code);
        var mixed = h.RunStored("sweep", Sweep(h, "mixed", "  model.widths: [[4, 8, 3], [4, 16, 3]]", "on"));
        Assert.Equal(2, mixed.Code);
        Assert.Contains("widths", mixed.Err);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AWorkerKilledMidTrialLeavesItToAnotherWhichResumesIt(string backend)
    {
        using var h = new CliHarness();
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return; // no PostgreSQL server (test.sh starts one; TestStore says why on the test output)
        }
        string store = ts.Location;
        var file = Sweep(h, "killed", "  optimizer.lr: [0.05, 0.2]", "off");
        Assert.Equal(0, h.Run("sweep", file, "--enqueue-only", "--store", store).Code);

        // A worker process that SIGKILLs itself at step 150 of its first trial (checkpoints at 0, 50, 100).
        string dll = Path.Combine(AppContext.BaseDirectory, "Gradscope.Cli.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, "worker", "--store", store, "--sweep", "killed", "--lease-seconds", "2"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment[Gradscope.Lab.RunExecutor.FaultKillAtStepVariable] = "150";
        using (var child = Process.Start(psi)!)
        {
            string err = child.StandardError.ReadToEnd();
            child.WaitForExit();
            Assert.True(child.ExitCode == 137, $"exit {child.ExitCode}: {err}");
        }

        // Another worker waits for the dead one's lease, re-claims the trial and resumes its run.
        var w = h.Run("worker", "--sweep", "killed", "--lease-seconds", "2", "--json", "--store", store);
        Assert.True(w.Code == 0, w.Err);
        Assert.Equal(2, JsonDocument.Parse(w.Out).RootElement.GetProperty("finished").GetInt32());
        Assert.Contains("resuming", w.Err);

        var rows = Summary(h, "killed", store).GetProperty("rows");
        Assert.All(rows.EnumerateArray(), r => Assert.Equal("completed", r.GetProperty("status").GetString()));
        var runs = JsonDocument.Parse(h.Run("runs", "--json", "--store", store).Out).RootElement;
        Assert.Equal(2, runs.GetArrayLength());

        // The resumed run's metrics: every (step, name) once, equal to a clean run of the same trial.
        string killedRun = rows[0].GetProperty("run").GetString()!;
        var lines = h.Run("metrics", killedRun, "--store", store).Out.Trim().Split('\n').Skip(1).ToArray();
        Assert.Equal(lines.Length, lines.Select(l => string.Join(',', l.Split(',')[0], l.Split(',')[2])).Distinct().Count());
        var solo = h.Run("run", Path.Combine(h.Dir, "base.yaml"), "--set", "optimizer.lr=0.05", "--set", "name=tiny.killed.t0", "--store", Path.Combine(h.Dir, "solo"), "--json");
        var soloId = JsonDocument.Parse(solo.Out).RootElement.GetProperty("id").GetString()!;
        Assert.Equal(h.Run("metrics", soloId, "--store", Path.Combine(h.Dir, "solo")).Out, h.Run("metrics", killedRun, "--store", store).Out);
    }
}
