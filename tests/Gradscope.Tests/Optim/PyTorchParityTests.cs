using System.Text.Json;
using Gradscope.Autodiff;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Optim;
using Gradscope.Tensors;
using Xunit.Abstractions;

namespace Gradscope.Tests.Optim;

/// <summary>
/// Replays bench/peers/optim_parity.py: same data, same initial weights, 200 full-batch float64
/// steps of each optimiser; the final parameters must equal PyTorch 1.13's within 1e-10 relative.
/// </summary>
public class PyTorchParityTests(ITestOutputHelper output)
{
    private static readonly Lazy<SafeTensorFile> s_fixture = new(() => SafeTensorFile.Load(FixturePath("optim_parity.safetensors")));

    internal static string FixturePath(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gradscope.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "Gradscope.Tests", "Fixtures", name);
            }
        }
        throw new FileNotFoundException($"repository root (Gradscope.slnx) not found above {AppContext.BaseDirectory}");
    }

    public static TheoryData<string> Runs() =>
        [.. JsonSerializer.Deserialize<string[]>(s_fixture.Value.Metadata["runs"])!];

    /// <summary>The run's hyperparameters (stored as JSON by the Python peer) in Gradscope's options.</summary>
    internal static OptimizerOptions Options(JsonElement spec)
    {
        double? D(string k) => spec.TryGetProperty(k, out var v) ? v.GetDouble() : null;
        var o = new OptimizerOptions
        {
            Kind = spec.GetProperty("kind").GetString()!,
            Lr = D("lr"),
            Momentum = D("momentum"),
            Eps = D("eps"),
            WeightDecay = D("weight_decay"),
            Alpha = D("alpha") ?? 0.99,
        };
        if (spec.TryGetProperty("betas", out var b))
        {
            o = o with { Beta1 = b[0].GetDouble(), Beta2 = b[1].GetDouble() };
        }
        if (spec.TryGetProperty("schedule", out var s))
        {
            o = o with
            {
                Schedule = new ScheduleOptions
                {
                    Kind = s.GetProperty("kind").GetString()!,
                    StepSize = s.TryGetProperty("step_size", out var ss) ? ss.GetInt64() : null,
                    Gamma = s.TryGetProperty("gamma", out var g) ? g.GetDouble() : null,
                    TotalSteps = s.TryGetProperty("total_steps", out var ts) ? ts.GetInt64() : null,
                    FinalLr = s.TryGetProperty("final_lr", out var f) ? f.GetDouble() : 0,
                },
            };
        }
        return o;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void TwoHundredFloat64StepsMatchPyTorch(string run)
    {
        var file = s_fixture.Value;
        int steps = int.Parse(file.Metadata["steps"], System.Globalization.CultureInfo.InvariantCulture);
        using var spec = JsonDocument.Parse(file.Metadata[run]);
        var options = Options(spec.RootElement);

        var model = new Mlp([5, 8, 3], Activation.Tanh, bias: true);
        var x = file.Get<double>("x");
        var y = file.Get<double>("y");
        var names = model.Parameters.Select(p => p.Name).ToArray();
        var theta = new ParamSet<double>(names, names.Select(n => file.Get<double>("init." + n)).ToArray());
        var opt = Optimizers.Create<double>(options);
        var state = opt.Init(theta);
        for (int k = 0; k < steps; k++)
        {
            var (_, grads) = Grad.ValueAndGrad(ps => Loss.Compute(LossKind.Mse, model.Forward(ps, x), y), theta.Tensors);
            (theta, state) = Optimizer.Step(opt, grads, state, theta);
        }

        double worst = 0, worstElement = 0, moved = 0;
        foreach (var n in names)
        {
            var ours = theta[n].ToArray();
            var torch = file.Get<double>($"{run}.{n}").ToArray();
            var init = file.Get<double>("init." + n).ToArray();
            double diff = 0, scale = 0;
            for (int i = 0; i < ours.Length; i++)
            {
                diff = Math.Max(diff, Math.Abs(ours[i] - torch[i]));
                scale = Math.Max(scale, Math.Abs(torch[i]));
                worstElement = Math.Max(worstElement, Math.Abs(ours[i] - torch[i]) / Math.Max(Math.Abs(torch[i]), 1e-3));
                moved = Math.Max(moved, Math.Abs(torch[i] - init[i]));
            }
            worst = Math.Max(worst, diff / scale);
        }
        output.WriteLine($"{run}: max |Δ|/max|θ_torch| per tensor = {worst:E2}; max elementwise |Δ|/max(|θ|,1e-3) = {worstElement:E2}; max movement from init = {moved:E2}");
        // The optimiser must actually have moved the parameters, or the comparison proves nothing.
        Assert.True(moved > 1e-2, $"{run}: parameters barely moved ({moved})");
        Assert.True(worst < 1e-10, $"{run}: relative difference {worst:E3} to PyTorch");
    }
}
