using System.Diagnostics;
using System.Text.Json;
using Gradscope.Cli;

namespace Gradscope.Tests.Cli;

/// <summary>
/// <c>gradscope bench gemm</c> run in-process through <see cref="Program.Run"/> (stdout and stderr
/// captured), plus one child process for the OpenBLAS-absent fallback.
/// </summary>
public class BenchGemmCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void JsonOutputIsExactlyOneObjectWithTheDocumentedSchema()
    {
        var (code, stdout, stderr) = Run("bench", "gemm", "--sizes", "16", "--dtype", "float64", "--backend", "managed", "--json", "--repeats", "1");
        Assert.True(code == 0, stderr);
        // JsonDocument.Parse rejects trailing content, so this also proves there is exactly one value.
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        Assert.Equal(["results"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
        var r = Assert.Single(results);
        Assert.Equal(["n", "dtype", "backend", "gflops"], r.EnumerateObject().Select(p => p.Name));
        Assert.Equal(16, r.GetProperty("n").GetInt32());
        Assert.Equal("float64", r.GetProperty("dtype").GetString());
        Assert.Equal("managed", r.GetProperty("backend").GetString());
        Assert.True(r.GetProperty("gflops").GetDouble() > 0);
        Assert.Contains("n=16 float64 managed", stderr);   // progress goes to stderr
    }

    [Fact]
    public void OneEntryPerSizeDtypeAndBackend()
    {
        var (code, stdout, stderr) = Run("bench", "gemm", "--sizes", "8,12", "--backend", "managed,auto", "--json", "--repeats", "1");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var keys = doc.RootElement.GetProperty("results").EnumerateArray()
            .Select(r => $"{r.GetProperty("n").GetInt32()}/{r.GetProperty("dtype").GetString()}/{r.GetProperty("backend").GetString()}")
            .ToList();
        Assert.Equal(8, keys.Count);
        Assert.Equal(8, keys.Distinct().Count());
        Assert.Contains("12/float32/auto", keys);   // omitting --dtype means both dtypes
    }

    [Fact]
    public void TableWithoutJson()
    {
        var (code, stdout, stderr) = Run("bench", "gemm", "--sizes", "8", "--dtype", "float32", "--backend", "managed,openblas", "--repeats", "1");
        Assert.True(code == 0, stderr);
        Assert.Contains("managed/openblas", stdout);
        Assert.Contains(stdout.Split('\n'), line => line.TrimStart().StartsWith("8  float32", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--dtype", "float16")]
    [InlineData("--backend", "mkl")]
    [InlineData("--sizes", "64,0")]
    [InlineData("--sizes", "abc")]
    [InlineData("--repeats", "0")]
    public void BadOptionValuesExitTwoNamingTheOption(string option, string value)
    {
        var (code, stdout, stderr) = Run("bench", "gemm", option, value, "--json");
        Assert.Equal(2, code);
        Assert.Contains(option, stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void DtypeErrorListsAllowedValues()
    {
        var (code, _, stderr) = Run("bench", "gemm", "--dtype", "float16");
        Assert.Equal(2, code);
        Assert.Contains("float32", stderr);
        Assert.Contains("float64", stderr);
    }

    [Fact]
    public void ParseErrorsExitTwo()
    {
        Assert.Equal(2, Run("bench", "gemm", "--no-such-option").Code);
        Assert.Equal(2, Run("no-such-command").Code);
        Assert.Equal(2, Run("bench", "gemm", "--repeats", "many").Code);
    }

    [Fact]
    public void VersionPrintsThePlainVersion()
    {
        var (code, stdout, _) = Run("--version");
        Assert.Equal(0, code);
        Assert.Equal("0.1.0", stdout.Trim());
    }

    /// <summary>
    /// With OpenBLAS hidden (GRADSCOPE_NO_OPENBLAS=1) an explicit --backend openblas still succeeds
    /// on the managed path and says so once on stderr. Needs a fresh process (the probe is cached).
    /// </summary>
    [Fact]
    public async Task OpenBlasRequestedButAbsentFallsBackWithOneNotice()
    {
        string cli = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(cli);
        foreach (var arg in new[] { "bench", "gemm", "--sizes", "8,16", "--dtype", "float64", "--backend", "openblas", "--json", "--repeats", "1" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["GRADSCOPE_NO_OPENBLAS"] = "1";
        start.Environment.Remove("GRADSCOPE_GEMM");
        using var process = Process.Start(start)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        string stdout = await stdoutTask;
        string stderr = await stderrTask;
        Assert.True(process.ExitCode == 0, stderr);
        int notices = stderr.Split('\n').Count(l => l.Contains("not found; using managed GEMM", StringComparison.Ordinal));
        Assert.Equal(1, notices);
        using var doc = JsonDocument.Parse(stdout);
        Assert.All(doc.RootElement.GetProperty("results").EnumerateArray(),
            r => Assert.Equal("openblas", r.GetProperty("backend").GetString()));
    }
}
