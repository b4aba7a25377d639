using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Cli.Commands;

/// <summary>
/// <c>gradscope bench gemm [--sizes 64,128,...] [--dtype float32|float64] [--backend managed,openblas,auto]
/// [--json] [--repeats R]</c>: square GEMM throughput per size x dtype x backend (medians of R
/// interleaved repeats). With --json, stdout is exactly one object
/// <c>{"results":[{"n":..,"dtype":"..","backend":"..","gflops":..},...]}</c>.
/// </summary>
public static class BenchGemmCommand
{
    private static readonly string[] s_backendNames = ["managed", "openblas", "auto"];

    public static Command Create()
    {
        var sizes = new Option<int[]>("--sizes")
        {
            Description = "Comma-separated square sizes n (C[n,n] = A[n,n] B[n,n])",
            CustomParser = ParseSizes,
            DefaultValueFactory = _ => [64, 128, 256, 512, 1024],
        };
        var dtype = new Option<string[]>("--dtype")
        {
            Description = "float32 or float64, or both comma-separated",
            CustomParser = r => ParseList(r, "--dtype", GemmBenchmark.DTypes),
            DefaultValueFactory = _ => [.. GemmBenchmark.DTypes],
        };
        var backend = new Option<string[]>("--backend")
        {
            Description = "managed, openblas or auto, or several comma-separated",
            CustomParser = r => ParseList(r, "--backend", s_backendNames),
            DefaultValueFactory = _ => ["auto"],
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print exactly one JSON object on stdout instead of a table",
        };
        var repeats = new Option<int>("--repeats")
        {
            Description = "Timed repeats per point; the median is reported",
            CustomParser = ParseRepeats,
            DefaultValueFactory = _ => 5,
        };

        var command = new Command("gemm", "GEMM throughput (GFLOP/s) of the managed and OpenBLAS backends")
        {
            sizes, dtype, backend, json, repeats,
        };
        command.SetAction(parseResult =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            var backends = parseResult.GetValue(backend)!.Select(name =>
            {
                Gemm.TryParseBackend(name, out var b);
                return b;
            }).ToArray();
            return Execute(parseResult.GetValue(sizes)!, parseResult.GetValue(dtype)!, backends,
                parseResult.GetValue(repeats), parseResult.GetValue(json), stdout, stderr);
        });
        return command;
    }

    private static int Execute(int[] sizes, string[] dtypes, GemmBackend[] backends, int repeats, bool json,
        TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine($"gradscope bench gemm: {GemmBenchmark.DescribeMachine()}");
        GemmBenchmark.WarmUp(sizes.Length * dtypes.Length * backends.Length > 2 ? 0.4 : 0.1);
        var report = GemmBenchmark.Run(sizes, dtypes, backends, repeats, r =>
            stderr.WriteLine(FormattableString.Invariant(
                $"  n={r.N} {r.DType} {Gemm.BackendName(r.Backend)}{Effective(r)}: {r.GFlops:F1} GFLOP/s")));
        var results = report.Results;
        if (report.RerunRepeats > 0 || report.DisturbedRepeats > 0)
        {
            stderr.WriteLine($"gradscope bench gemm: other processes were using the CPUs: {report.RerunRepeats} " +
                $"repeat(s) re-run, {report.DisturbedRepeats} kept although disturbed");
        }
        if (json)
        {
            WriteJson(results, stdout);
        }
        else
        {
            WriteTable(results, sizes, dtypes, backends, repeats, stdout);
        }
        return ExitCodes.Success;
    }

    private static string Effective(GemmBenchmarkResult r)
        => r.Backend == r.Effective ? "" : $" ({Gemm.BackendName(r.Effective)})";

    private static void WriteJson(IReadOnlyList<GemmBenchmarkResult> results, TextWriter stdout)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("results");
            foreach (var r in results)
            {
                writer.WriteStartObject();
                writer.WriteNumber("n", r.N);
                writer.WriteString("dtype", r.DType);
                writer.WriteString("backend", Gemm.BackendName(r.Backend));
                writer.WriteNumber("gflops", Math.Round(r.GFlops, 3));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteTable(IReadOnlyList<GemmBenchmarkResult> results, int[] sizes, string[] dtypes,
        GemmBackend[] backends, int repeats, TextWriter stdout)
    {
        var inv = CultureInfo.InvariantCulture;
        bool ratio = backends.Contains(GemmBackend.Managed) && backends.Contains(GemmBackend.OpenBlas);
        stdout.WriteLine($"GEMM C = A B, n x n x n, GFLOP/s = 2 n^3 / t, median of {repeats} repeats");
        var header = new System.Text.StringBuilder();
        header.Append(inv, $"{"n",6}  {"dtype",-8}");
        foreach (var b in backends)
        {
            header.Append(inv, $"  {Gemm.BackendName(b),16}");
        }
        if (ratio)
        {
            header.Append(inv, $"  {"managed/openblas",16}");
        }
        stdout.WriteLine(header.ToString());
        foreach (int n in sizes)
        {
            foreach (string dtype in dtypes)
            {
                var line = new System.Text.StringBuilder();
                line.Append(inv, $"{n,6}  {dtype,-8}");
                foreach (var b in backends)
                {
                    var r = results.First(x => x.N == n && x.DType == dtype && x.Backend == b);
                    string cell = r.GFlops.ToString("F1", inv) + Effective(r);
                    line.Append(inv, $"  {cell,16}");
                }
                if (ratio)
                {
                    double managed = results.First(x => x.N == n && x.DType == dtype && x.Backend == GemmBackend.Managed).GFlops;
                    double openBlas = results.First(x => x.N == n && x.DType == dtype && x.Backend == GemmBackend.OpenBlas).GFlops;
                    line.Append(inv, $"  {managed / openBlas,16:F2}");
                }
                stdout.WriteLine(line.ToString());
            }
        }
    }

    private static int[] ParseSizes(ArgumentResult result)
    {
        var values = new List<int>();
        foreach (var token in result.Tokens)
        {
            foreach (var part in token.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n <= 0)
                {
                    result.AddError($"--sizes: '{part}' is not a positive integer (expected e.g. --sizes 64,128,256).");
                    return [];
                }
                values.Add(n);
            }
        }
        if (values.Count == 0)
        {
            result.AddError("--sizes: expected at least one positive integer (e.g. --sizes 64,128,256).");
        }
        return [.. values];
    }

    private static int ParseRepeats(ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int repeats) || repeats < 1)
        {
            result.AddError($"--repeats: '{text}' is not a positive integer.");
            return 1;
        }
        return repeats;
    }

    private static string[] ParseList(ArgumentResult result, string option, IReadOnlyList<string> allowed)
    {
        var values = new List<string>();
        foreach (var token in result.Tokens)
        {
            foreach (var part in token.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                string value = part.ToLowerInvariant();
                if (!allowed.Contains(value))
                {
                    result.AddError($"{option}: unknown value '{part}' (allowed: {string.Join(", ", allowed)}).");
                    return [];
                }
                if (!values.Contains(value))
                {
                    values.Add(value);
                }
            }
        }
        if (values.Count == 0)
        {
            result.AddError($"{option}: expected one of {string.Join(", ", allowed)}.");
        }
        return [.. values];
    }
}
