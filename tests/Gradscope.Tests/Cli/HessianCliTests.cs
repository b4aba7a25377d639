using System.Text.Json;

namespace Gradscope.Tests.Cli;

/// <summary><c>gradscope hessian RUN</c>: the JSON contract, Lanczos against the exact dense spectrum, and its bad-input errors.</summary>
public class HessianCliTests
{
    private static string Trained(CliHarness h, params string[] set)
    {
        var spec = h.Write("tiny.yaml", CliHarness.TinySpec);
        var (code, stdout, stderr) = h.RunStored(["run", spec, "--json", .. set.SelectMany(s => new[] { "--set", s })]);
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement.GetProperty("id").GetString()!;
    }

    private static JsonElement Json(CliHarness h, params string[] args)
    {
        var (code, stdout, stderr) = h.RunStored(["hessian", .. args, "--json"]);
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement; // throws unless stdout is exactly one JSON value
    }

    [Fact]
    public void LanczosAgreesWithTheExactSpectrumAndTraceHasAnErrorBar()
    {
        using var h = new CliHarness();
        var id = Trained(h);
        var lanczos = Json(h, id, "--top", "4", "--trace");
        var exact = Json(h, id, "--top", "4", "--trace", "--exact", "--step", "20");
        var exactFinal = Json(h, id, "--top", "4", "--trace", "--exact");
        Assert.Equal("lanczos", lanczos.GetProperty("method").GetString());
        Assert.Equal(60, lanczos.GetProperty("step").GetInt64());
        Assert.Equal(20, exact.GetProperty("step").GetInt64());
        var a = lanczos.GetProperty("eigenvalues").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var b = exactFinal.GetProperty("eigenvalues").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(4, a.Length);
        Assert.True(a.Zip(a.Skip(1)).All(p => p.First >= p.Second), "eigenvalues must be descending");
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(b[i], a[i], 1e-8 * Math.Abs(b[0]));
        }
        double trace = lanczos.GetProperty("trace").GetDouble(), se = lanczos.GetProperty("trace_stderr").GetDouble();
        double exactTrace = exactFinal.GetProperty("trace").GetDouble();
        Assert.True(se > 0);
        Assert.InRange(exactTrace, trace - 4 * se, trace + 4 * se);
        Assert.Equal(0.0, exactFinal.GetProperty("trace_stderr").GetDouble());
    }

    [Fact]
    public void DensityWritesAPlotAndADensityThatIntegratesToOne()
    {
        using var h = new CliHarness();
        var id = Trained(h);
        var outDir = Path.Combine(h.Dir, "hess");
        var r = Json(h, id, "--density", "--out", outDir);
        var d = r.GetProperty("density");
        var grid = d.GetProperty("grid").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var values = d.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double mass = 0;
        for (int i = 1; i < grid.Length; i++)
        {
            mass += 0.5 * (values[i] + values[i - 1]) * (grid[i] - grid[i - 1]);
        }
        Assert.Equal(1.0, mass, 2);
        Assert.True(File.Exists(d.GetProperty("plot").GetString()));
        Assert.StartsWith(outDir, d.GetProperty("plot").GetString());
    }

    [Fact]
    public void BadRequestsExitTwoAndSayWhatIsAvailable()
    {
        using var h = new CliHarness();
        var id = Trained(h);
        var noStep = h.RunStored("hessian", id, "--step", "7", "--json");
        Assert.Equal(2, noStep.Code);
        Assert.Contains("0, 20, 40, 60", noStep.Err);
        Assert.Equal("", noStep.Out);

        var tooMany = h.RunStored("hessian", id, "--top", "99");
        Assert.Equal(2, tooMany.Code);
        Assert.Contains("35 parameters", tooMany.Err);

        Assert.Equal(2, h.RunStored("hessian", "no-such-run").Code);

        // A model too large for a dense Hessian: 4-80-80-3 has 6,960 parameters.
        var big = Trained(h, "model.widths=[4,80,80,3]", "steps=2");
        var exact = h.RunStored("hessian", big, "--exact");
        Assert.Equal(2, exact.Code);
        Assert.Contains("5000", exact.Err);
        Assert.Contains("omit --exact", exact.Err);
    }
}
