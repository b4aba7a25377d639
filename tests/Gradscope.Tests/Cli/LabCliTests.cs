using System.Text.Json;
using Gradscope.Tensors;

namespace Gradscope.Tests.Cli;

public class LabCliTests
{
    [Fact]
    public void RunWithJsonPrintsExactlyOneObjectAndStoresEverything()
    {
        using var h = new CliHarness();
        var spec = h.Write("tiny.yaml", CliHarness.TinySpec);
        var (code, stdout, stderr) = h.RunStored("run", spec, "--json", "--set", "optimizer.lr=0.04");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);          // throws unless stdout is one JSON value
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal("completed", root.GetProperty("status").GetString());
        string id = root.GetProperty("id").GetString()!;
        Assert.True(Directory.Exists(root.GetProperty("dir").GetString()));

        // The override reached the stored spec.
        var show = h.RunStored("show", id, "--json");
        Assert.Equal(0.04, JsonDocument.Parse(show.Out).RootElement.GetProperty("spec").GetProperty("optimizer").GetProperty("lr").GetDouble());

        // Metrics: long CSV with the contract header; records at 0, 5, ..., 60.
        var m = h.RunStored("metrics", id, "--names", "loss/train");
        Assert.Equal(0, m.Code);
        var lines = m.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("step,time,name,value", lines[0]);
        Assert.Equal(13, lines.Length - 1);
        Assert.StartsWith("60,", lines[^1]);
        // time = Σ lr = 60 · 0.04
        Assert.Equal(2.4, double.Parse(lines[^1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture), 12);

        // Checkpoint export: parameters only, state-dict names and [out, in] shapes.
        var outFile = Path.Combine(h.Dir, "final.safetensors");
        Assert.Equal(0, h.RunStored("checkpoint", id, "--out", outFile).Code);
        var f = SafeTensorFile.Load(outFile);
        Assert.Equal(["layers.0.weight", "layers.1.weight"], f.Tensors.Keys.Order().ToArray());
        Assert.Equal([5, 4], f.Tensors["layers.0.weight"].Shape);
        var bad = h.RunStored("checkpoint", id, "--step", "7", "--out", outFile);
        Assert.Equal(2, bad.Code);
        Assert.Contains("0, 20, 40, 60", bad.Err);

        var list = h.RunStored("runs", "--json");
        Assert.Single(JsonDocument.Parse(list.Out).RootElement.EnumerateArray());
    }

    public static TheoryData<string, string, string> BadSpecs => new()
    {
        { "negative lr", "optimizer.lr=-1", "optimizer.lr" },
        { "unknown optimiser kind", "optimizer.kind=adamm", "optimizer.kind" },
        { "zero width", "model.widths=[4,0,3]", "model.widths" },
        { "negative steps", "steps=-5", "steps" },
        { "data/width mismatch", "model.widths=[6,5,3]", "widths" },
        { "missing init file", "model.init_from=/nonexistent/init.safetensors", "/nonexistent/init.safetensors" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void BadInputExitsWithTwoNamesTheFieldAndCreatesNoRun(string what, string set, string named)
    {
        using var h = new CliHarness();
        var spec = h.Write("tiny.yaml", CliHarness.TinySpec);
        var (code, stdout, stderr) = h.RunStored("run", spec, "--set", set, "--json");
        Assert.True(code == 2, $"{what}: exit {code}, stderr: {stderr}");
        Assert.Contains(named, stderr);
        Assert.Equal("", stdout);
        var runs = h.RunStored("runs", "--json");
        Assert.Empty(JsonDocument.Parse(runs.Out).RootElement.EnumerateArray());
    }

    [Fact]
    public void UnknownKeyGetsADidYouMean()
    {
        using var h = new CliHarness();
        var spec = h.Write("typo.yaml", CliHarness.TinySpec.Replace("widths:", "widht:", StringComparison.Ordinal));
        var (code, _, stderr) = h.RunStored("run", spec);
        Assert.Equal(2, code);
        Assert.Contains("model.widht", stderr);
        Assert.Contains("widths", stderr);
    }

    [Fact]
    public void MissingAndMalformedFilesAreBadInput()
    {
        using var h = new CliHarness();
        var missing = h.RunStored("run", Path.Combine(h.Dir, "nope.yaml"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("nope.yaml", missing.Err);
        var malformed = h.Write("bad.yaml", "name: x\nmodel: [unclosed\n");
        var r = h.RunStored("run", malformed);
        Assert.Equal(2, r.Code);
        Assert.Contains("bad.yaml", r.Err);
        // A data file that is not safetensors.
        var junk = h.Write("junk.safetensors", "not a tensor file");
        var spec = h.Write("tensors.yaml", $$"""
            name: t
            data: { kind: tensors, path: {{junk}} }
            model: { kind: mlp, widths: [2, 3, 1] }
            optimizer: { kind: gd, lr: 0.1 }
            steps: 3
            """);
        var t = h.RunStored("run", spec);
        Assert.Equal(2, t.Code);
        Assert.Contains("junk.safetensors", t.Err);
        Assert.Empty(JsonDocument.Parse(h.RunStored("runs", "--json").Out).RootElement.EnumerateArray());
    }

    [Fact]
    public void ReportWritesPlotsAndAPage()
    {
        using var h = new CliHarness();
        var spec = h.Write("tiny.yaml", CliHarness.TinySpec);
        var run = JsonDocument.Parse(h.RunStored("run", spec, "--json").Out).RootElement.GetProperty("id").GetString()!;
        var outDir = Path.Combine(h.Dir, "report");
        var (code, stdout, stderr) = h.RunStored("report", run, "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(Path.Combine(outDir, "index.html")));
        Assert.True(File.Exists(Path.Combine(outDir, "loss.png")));
        Assert.True(File.Exists(Path.Combine(outDir, "loss.svg")));
        Assert.Contains("index.html", stdout);
    }

    [Fact]
    public void SchemaIsJsonAndGalleryListsSaxe()
    {
        using var h = new CliHarness();
        var s = h.Run("schema");
        Assert.Equal(0, s.Code);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(s.Out).RootElement.ValueKind);
        var g = h.Run("gallery");
        Assert.Equal(0, g.Code);
        Assert.Contains("saxe", g.Out);
        Assert.Equal(2, h.Run("gallery", "no-such-entry").Code);
    }
}
