using System.Globalization;
using System.Text.Json;
using Gradscope.Tensors;

namespace Gradscope.Tests.Cli;

/// <summary><c>gradscope landscape</c>: the file contract (grid.csv, directions.safetensors), the JSON object, resume, and bad input.</summary>
public class LandscapeCliTests
{
    private const string Spec = """
        name: land
        seed: 1
        data: { kind: gaussian-mixture, inputs: 6, classes: 3, samples: 60, test_samples: 30, separation: 3 }
        model: { kind: mlp, widths: [6, 8, 3], activation: relu, bias: true }
        loss: cross-entropy
        optimizer: { kind: gd, lr: 0.2 }
        steps: 60
        probes:
          - { kind: loss, every: 10 }
          - { kind: roughness, every: 30, directions: 10 }
        checkpoints: { every: 20 }
        """;

    private static string Trained(CliHarness h, string spec = Spec)
    {
        var (code, stdout, stderr) = h.RunStored("run", h.Write("land.yaml", spec), "--json");
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement.GetProperty("id").GetString()!;
    }

    private static JsonElement Json(CliHarness h, params string[] args)
    {
        var (code, stdout, stderr) = h.RunStored(["landscape", .. args, "--json"]);
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement;
    }

    private static double[][] Grid(string dir) =>
        File.ReadLines(Path.Combine(dir, "grid.csv")).Skip(1).Select(l => l.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    [Fact]
    public void Slice2DWritesTheGridAndDirectionsWithTheCheckpointLossAtTheCentre()
    {
        using var h = new CliHarness();
        var id = Trained(h);
        var dir = Path.Combine(h.Dir, "s2");
        var r = Json(h, id, "--kind", "slice2d", "--range", "-1:1:5", "--out", dir);
        Assert.Equal("alpha,beta,loss", File.ReadLines(Path.Combine(dir, "grid.csv")).First());
        var grid = Grid(dir);
        Assert.Equal(25, grid.Length);
        var centre = grid.Single(g => g[0] == 0 && g[1] == 0);
        // The loss of the final checkpoint as the run recorded it.
        var last = h.RunStored("metrics", id, "--names", "loss/train").Out.Trim().Split('\n')[^1].Split(',');
        Assert.Equal(double.Parse(last[3], CultureInfo.InvariantCulture), centre[2], 1e-12);
        var dirs = SafeTensorFile.Load(Path.Combine(dir, "directions.safetensors"));
        Assert.Equal(["x.layers.0.bias", "x.layers.0.weight", "x.layers.1.bias", "x.layers.1.weight", "y.layers.0.bias", "y.layers.0.weight", "y.layers.1.bias", "y.layers.1.weight"], dirs.Tensors.Keys.Order());
        Assert.Equal([8, 6], dirs.Tensors["x.layers.0.weight"].Shape);
        Assert.True(File.Exists(r.GetProperty("plot").GetString()));
        Assert.Equal(25, r.GetProperty("evaluated").GetInt32());
    }

    [Fact]
    public void AStoppedGridResumesWithoutRecomputingFinishedPoints()
    {
        using var h = new CliHarness();
        var id = Trained(h);
        var dir = Path.Combine(h.Dir, "s1");
        Json(h, id, "--kind", "slice1d", "--range", "-1:1:11", "--out", dir);
        var full = Grid(dir);
        // Keep the header and 4 points, with a torn fifth line, as a killed evaluation leaves it.
        var lines = File.ReadAllLines(Path.Combine(dir, "grid.csv"));
        File.WriteAllText(Path.Combine(dir, "grid.csv"), string.Join('\n', lines.Take(5)) + "\n" + lines[5][..3]);
        var again = Json(h, id, "--kind", "slice1d", "--range", "-1:1:11", "--out", dir);
        Assert.Equal(4, again.GetProperty("resumed").GetInt32());
        Assert.Equal(7, again.GetProperty("evaluated").GetInt32());
        var resumed = Grid(dir).OrderBy(g => g[0]).ToArray();
        Assert.Equal(full.OrderBy(g => g[0]).Select(g => g[1]), resumed.Select(g => g[1]));
        // A different request in the same folder is refused rather than mixed in.
        var other = h.RunStored("landscape", id, "--kind", "slice1d", "--range", "-2:2:11", "--out", dir);
        Assert.Equal(2, other.Code);
        Assert.Contains("different landscape", other.Err);
    }

    [Fact]
    public void RoughnessInterpolationAndTrajectory()
    {
        using var h = new CliHarness();
        var id = Trained(h);
        var r = Json(h, id, "--kind", "roughness", "--directions", "12", "--points", "10");
        Assert.Equal(12, r.GetProperty("directions").GetInt32());
        Assert.Equal(10, r.GetProperty("points").GetInt32());
        Assert.True(r.GetProperty("ri").GetDouble() >= 0);

        var dir = Path.Combine(h.Dir, "interp");
        Json(h, id, "--kind", "interpolate", "--range", "0:1:3", "--out", dir);
        var grid = Grid(dir);
        var first = h.RunStored("metrics", id, "--names", "loss/train").Out.Trim().Split('\n')[1].Split(',');
        Assert.Equal(double.Parse(first[3], CultureInfo.InvariantCulture), grid.Single(g => g[0] == 0)[1], 1e-12);   // α = 0: step 0

        var t = Json(h, id, "--kind", "trajectory", "--range", "-1:1:5", "--out", Path.Combine(h.Dir, "traj"));
        var ev = t.GetProperty("explained_variance").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.True(ev[0] >= ev[1] && ev[0] + ev[1] <= 1 + 1e-9);
        Assert.Equal(4, t.GetProperty("path").GetArrayLength());   // checkpoints 0, 20, 40, 60

        // The roughness probe logged along the run.
        Assert.Equal(3, h.RunStored("metrics", id, "--names", "landscape/roughness").Out.Trim().Split('\n').Length - 1);
    }

    [Theory]
    [InlineData("--range", "1:-1:5", "--range")]
    [InlineData("--range", "a:b:c", "--range")]
    [InlineData("--step", "7", "0, 20, 40, 60")]
    [InlineData("--kind", "slice3d", "--kind")]
    public void BadInputExitsTwoNamingTheProblem(string option, string value, string expected)
    {
        using var h = new CliHarness();
        var id = Trained(h);
        string[] args = option == "--kind" ? ["landscape", id, option, value] : ["landscape", id, "--kind", "slice1d", option, value];
        var r = h.RunStored(args);
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void InterpolatingToARunOfAnotherShapeIsBadInput()
    {
        using var h = new CliHarness();
        var a = Trained(h);
        var b = Trained(h, Spec.Replace("widths: [6, 8, 3]", "widths: [6, 9, 3]", StringComparison.Ordinal));
        var r = h.RunStored("landscape", a, "--kind", "interpolate", "--to", b);
        Assert.Equal(2, r.Code);
        Assert.Contains("shapes differ", r.Err);
        Assert.Equal(2, h.RunStored("landscape", "no-such-run", "--kind", "slice1d").Code);
    }
}
