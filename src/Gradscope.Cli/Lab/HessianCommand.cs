using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gradscope.Lab;
using Gradscope.Lab.Report;
using Gradscope.Lab.Spec;
using Gradscope.Lab.Store;

namespace Gradscope.Cli.Lab;

/// <summary>
/// <c>gradscope hessian RUN [--step N|final] [--top K] [--trace] [--density] [--exact] [--json]</c>:
/// the Hessian spectrum of a run's training loss at a stored checkpoint.
/// </summary>
internal static class HessianCommand
{
    public static Command Create()
    {
        var run = CommonOptions.Run();
        var store = CommonOptions.Store();
        var step = new Option<string>("--step") { Description = "A checkpointed step, or 'final' (default)", DefaultValueFactory = _ => "final" };
        var top = new Option<int>("--top") { Description = "How many of the largest eigenvalues (default 5)", DefaultValueFactory = _ => 5 };
        var trace = new Option<bool>("--trace") { Description = "Also tr(H) with its standard error (Hutchinson, Rademacher vectors)" };
        var density = new Option<bool>("--density") { Description = "Also the eigenvalue density (stochastic Lanczos quadrature) and a plot of it" };
        var exact = new Option<bool>("--exact") { Description = "Build the dense Hessian and diagonalise it (models up to 5,000 parameters)" };
        var tol = new Option<double>("--tol") { Description = "Lanczos residual tolerance ‖Hv − λv‖ ≤ tol·|λ| (default 1e-8)", DefaultValueFactory = _ => 1e-8 };
        var outDir = new Option<string?>("--out") { Description = "Folder for the density plot (default: the run's folder, hessian/)" };
        var json = CommonOptions.Json("Print one JSON object: {\"eigenvalues\": [...], \"trace\", \"trace_stderr\", ...}");
        var cmd = new Command("hessian", "Hessian eigenvalues, trace and density of a run's loss at a checkpoint")
        {
            run, store, step, top, trace, density, exact, tol, outDir, json,
        };
        cmd.SetAction(p => CliErrors.Guard(p.InvocationConfiguration.Error, () =>
        {
            var stdout = p.InvocationConfiguration.Output;
            var stderr = p.InvocationConfiguration.Error;
            if (p.GetValue(top) < 1)
            {
                throw new BadInputException($"--top: must be >= 1, got {p.GetValue(top)}");
            }
            if (!(p.GetValue(tol) > 0))
            {
                throw new BadInputException($"--tol: must be > 0, got {p.GetValue(tol)}");
            }
            using var st = RunStore.Open(p.GetValue(store));
            var r = st.ResolveRun(p.GetValue(run)!);
            var path = StoreCommands.FindCheckpoint(r, p.GetValue(step)!);
            var spec = SpecLoader.Parse(r.SpecJson, "json");
            var req = new HessianRequest(p.GetValue(top), p.GetValue(trace), p.GetValue(density), p.GetValue(exact), p.GetValue(tol), Seed: spec.Seed);
            var res = HessianAnalysis.Analyse(spec, path, req);
            string? plot = null;
            if (res.Grid is not null && res.Density is not null)
            {
                var dir = p.GetValue(outDir) ?? Path.Combine(r.Directory, "hessian");
                plot = HessianFigure.WriteDensity(dir, $"density-step-{res.Step}", $"Hessian eigenvalue density, {r.Name} step {res.Step} ({res.Method})", res.Grid, res.Density, res.Eigenvalues).Png;
            }
            if (p.GetValue(json))
            {
                var o = new Dictionary<string, object?>
                {
                    ["run"] = r.Id,
                    ["step"] = res.Step,
                    ["parameters"] = res.Parameters,
                    ["samples"] = res.Samples,
                    ["method"] = res.Method,
                    ["eigenvalues"] = res.Eigenvalues,
                    ["residuals"] = res.Residuals,
                    ["hvps"] = res.Hvps,
                    ["seconds"] = res.Seconds,
                };
                if (res.Trace is not null)
                {
                    o["trace"] = res.Trace;
                    o["trace_stderr"] = res.TraceStdErr;
                }
                if (res.Density is not null)
                {
                    o["density"] = new { grid = res.Grid, values = res.Density, plot };
                }
                stdout.WriteLine(JsonSerializer.Serialize(o));
            }
            else
            {
                var inv = CultureInfo.InvariantCulture;
                stdout.WriteLine($"run {r.Id} ({r.Name}) step {res.Step}: {res.Parameters} parameters, {res.Samples} samples, {res.Method}, {res.Hvps} HVPs, {res.Seconds:F2} s");
                for (int i = 0; i < res.Eigenvalues.Length; i++)
                {
                    stdout.WriteLine(string.Create(inv, $"  λ{i + 1,-3} {res.Eigenvalues[i],22:R}   residual {res.Residuals[i]:E2}"));
                }
                if (res.Trace is double t)
                {
                    stdout.WriteLine(string.Create(inv, $"  trace {t:G10} ± {res.TraceStdErr:G3}"));
                }
                if (plot is not null)
                {
                    stdout.WriteLine($"  density plot: {plot}");
                }
            }
            return ExitCodes.Success;
        }));
        return cmd;
    }
}
