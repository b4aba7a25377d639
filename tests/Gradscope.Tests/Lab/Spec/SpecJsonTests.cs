using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gradscope.Lab.Spec;
using static Gradscope.Tests.Lab.Spec.SpecTestKit;

namespace Gradscope.Tests.Lab.Spec;

public class SpecJsonTests
{
    public static TheoryData<string, string[]> Specs() => new()
    {
        { Saxe, [] },
        { Mixture, [] },
        { Flow, [] },
        { Flow, ["optimizer.method=rk4", "optimizer.rtol=null", "optimizer.dt=0.01"] },
        { Saxe, ["optimizer.kind=momentum", "optimizer.schedule={kind: sgdr, t0: 100, t_mult: 2, warmup_steps: 10}"] },
        { Saxe, ["optimizer={kind: rmsprop, lr: 0.001, clip_value: 0.5, batch_size: 32}", "data.test_fraction=0.25", "data.split_seed=99"] },
        { Saxe, ["data={kind: teacher-student, samples: 200, hidden: 5, teacher_activation: tanh, noise: 0.1}", "model={kind: mlp, widths: [8, 16, 8], activation: gelu, bias: false}", "probes.1.kind=grad-norm", "probes.2.kind=singular-values"] },
        { Mixture, ["data={kind: fashion-mnist, classes: [3, 1], standardize: true, train_samples: 500, test_samples: 100}", "model.widths=[784, 2]", "notes=null"] },
        { Saxe, ["model.init=null", "model.init_from=/etc/hostname", "divergence.loss_above=1e6", "name=x.y_z-1"] },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void CanonicalJsonLoadsBackToAnEqualSpec(string text, string[] overrides)
    {
        var spec = Parse(text, overrides);
        var json = SpecLoader.ToJson(spec);
        var again = SpecLoader.Parse(json, "json");
        Assert.Equal(spec, again);
        Assert.Equal(json, SpecLoader.ToJson(again)); // canonical: a fixed point
    }

    [Fact]
    public void CanonicalJsonWritesResolvedDefaultsAndOnlyTheKindsKeys()
    {
        using var doc = JsonDocument.Parse(SpecLoader.ToJson(Parse(Saxe)));
        var root = doc.RootElement;
        Assert.Equal(["name", "seed", "dtype", "data", "model", "loss", "optimizer", "steps", "probes", "checkpoints", "divergence"],
            root.EnumerateObject().Select(p => p.Name));
        var data = root.GetProperty("data");
        Assert.Equal("linear-teacher", data.GetProperty("kind").GetString());
        Assert.Equal(0, data.GetProperty("test_samples").GetInt32());      // default written out
        Assert.False(data.TryGetProperty("hidden", out _));                // other kinds' keys absent
        Assert.False(data.TryGetProperty("split_seed", out _));            // null (derived) left out
        var optimizer = root.GetProperty("optimizer");
        Assert.Equal("constant", optimizer.GetProperty("schedule").GetProperty("kind").GetString());
        Assert.False(optimizer.TryGetProperty("batch_size", out _));
        Assert.Equal(1e10, root.GetProperty("divergence").GetProperty("loss_above").GetDouble());
    }

    /// <summary>Random valid variations of the example survive the round trip.</summary>
    [Property(MaxTest = 60)]
    public Property RandomVariationsRoundTrip() =>
        Prop.ForAll(Variations().ToArbitrary(), overrides =>
        {
            var spec = Parse(Saxe, overrides);
            return spec.Equals(SpecLoader.Parse(SpecLoader.ToJson(spec), "json"));
        });

    private static Gen<string[]> Variations()
    {
        var optimizers = Gen.Elements("gd", "sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad");
        var lr = Gen.Choose(1, 1_000_000).Select(i => i * 1e-7);
        var widths = Gen.Choose(3, 20).Select(w => $"[8, {w}, 8]");
        var seed = Gen.Choose(int.MinValue, int.MaxValue);
        var steps = Gen.Choose(0, 100_000);
        var every = Gen.Choose(1, 500);
        return from o in optimizers
               from l in lr
               from w in widths
               from s in seed
               from n in steps
               from e in every
               select new[]
               {
                   $"optimizer.kind={o}", $"optimizer.lr={l.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}",
                   $"model.widths={w}", $"seed={s}", $"steps={n}", $"probes.1.every={e}", "probes.0.every=null",
               };
    }
}
