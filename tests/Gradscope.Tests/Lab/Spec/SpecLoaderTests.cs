using Gradscope.Lab.Spec;
using Gradscope.Losses;
using Gradscope.Nn;
using static Gradscope.Tests.Lab.Spec.SpecTestKit;

namespace Gradscope.Tests.Lab.Spec;

public class SpecLoaderTests
{
    [Fact]
    public void DesignNotesExampleLoadsWithEveryValueAsWritten()
    {
        var s = Parse(Saxe);
        Assert.Equal("saxe-two-layer", s.Name);
        Assert.Equal(7, s.Seed);
        Assert.Equal(DType.Float64, s.DType);
        Assert.Equal(DataKind.LinearTeacher, s.Data.Kind);
        Assert.Equal((8, 8, 512), (s.Data.Inputs, s.Data.Outputs, s.Data.Samples));
        Assert.Equal([5.0, 3.0, 1.0], s.Data.SingularValues!);
        Assert.True(s.Data.Whiten);
        Assert.Equal(ModelKind.DeepLinear, s.Model.Kind);
        Assert.Equal([8, 8, 8], s.Model.Widths);
        Assert.Equal(Activation.Linear, s.Model.Activation); // "activation: tanh  # mlp only" is ignored for deep-linear
        Assert.False(s.Model.Bias);
        Assert.Equal(new InitSpec { Kind = InitKind.Aligned, Scale = 0.001 }, s.Model.Init);
        Assert.Equal(LossKind.Mse, s.Loss);
        Assert.Equal(OptimizerKind.Gd, s.Optimizer.Kind);
        Assert.Equal(0.01, s.Optimizer.Lr);
        Assert.Equal(4000, s.Steps);
        Assert.Null(s.Epochs);
        Assert.Null(s.Time);
        Assert.Equal([ProbeKind.Loss, ProbeKind.ModeStrengths, ProbeKind.Theory], s.Probes.Select(p => p.Kind));
        Assert.All(s.Probes, p => Assert.Equal(10.0, p.Every));
        Assert.Equal(1000, s.Checkpoints.Every);
    }

    [Fact]
    public void DefaultsAreFilledIn()
    {
        var s = Parse("""
            name: d
            data: { kind: linear-teacher, samples: 100, singular_values: [2] }
            model: { kind: mlp, widths: [5, 7, 3] }
            optimizer: { kind: gd, lr: 0.1 }
            steps: 1000
            """);
        Assert.Equal(0, s.Seed);
        Assert.Equal(DType.Float64, s.DType);
        Assert.Equal(LossKind.Mse, s.Loss);
        // data sizes come from the model when not given
        Assert.Equal(5, s.Data.Inputs);
        Assert.Equal(3, s.Data.Outputs);
        Assert.Equal(0, s.Data.TestSamples);
        Assert.Equal(0.0, s.Data.Noise);
        Assert.False(s.Data.Whiten);
        Assert.Equal(0.0, s.Data.TestFraction);
        Assert.Null(s.Data.SplitSeed);
        Assert.Null(s.Data.Hidden); // not a linear-teacher key
        // mlp defaults
        Assert.Equal(Activation.Tanh, s.Model.Activation);
        Assert.True(s.Model.Bias);
        Assert.Equal(Parameterization.Standard, s.Model.Parameterization);
        Assert.Equal(new InitSpec { Kind = InitKind.Default, BiasInit = BiasInit.Zeros }, s.Model.Init);
        Assert.Null(s.Model.InitFrom);
        // gd
        Assert.Equal(0.0, s.Optimizer.WeightDecay);
        Assert.Null(s.Optimizer.BatchSize);
        Assert.Equal(new ScheduleSpec { Kind = ScheduleKind.Constant }, s.Optimizer.Schedule);
        Assert.Null(s.Optimizer.Momentum);
        Assert.Null(s.Optimizer.Method);
        // one loss probe, about 200 records: every max(1, floor(1000/200)) = 5 steps
        Assert.Equal([new ProbeSpec { Kind = ProbeKind.Loss, Every = 5 }], s.Probes);
        Assert.Null(s.Checkpoints.Every);
        Assert.Equal(1e10, s.Divergence.LossAbove);
        Assert.Null(s.Notes);
    }

    [Theory]
    [InlineData("momentum", "momentum", 0.9)]
    [InlineData("nesterov", "momentum", 0.9)]
    [InlineData("rmsprop", "momentum", 0.0)]
    [InlineData("rmsprop", "alpha", 0.99)]
    [InlineData("rmsprop", "eps", 1e-8)]
    [InlineData("adam", "eps", 1e-8)]
    [InlineData("adagrad", "eps", 1e-10)]
    [InlineData("adam", "weight_decay", 0.0)]
    [InlineData("adamw", "weight_decay", 0.01)]
    public void OptimizerDefaultsFollowPyTorch(string kind, string key, double expected)
    {
        var s = Parse(Saxe, $"optimizer.kind={kind}");
        var value = typeof(OptimizerSpec).GetProperty(SpecNames.Pascal(key))!.GetValue(s.Optimizer);
        Assert.Equal(expected, (double?)value);
        if (kind is "adam" or "adamw")
        {
            Assert.Equal([0.9, 0.999], s.Optimizer.Betas!);
        }
    }

    [Fact]
    public void FlowDefaultsAndProbeTimes()
    {
        var s = Parse(Flow);
        Assert.True(s.IsFlow);
        Assert.Null(s.Optimizer.Lr);
        Assert.Null(s.Optimizer.Schedule);
        Assert.Equal(FlowMethod.Dopri5, s.Optimizer.Method);
        Assert.Equal(1e-10, s.Optimizer.Rtol);
        Assert.Equal(1e-10, s.Optimizer.Atol);
        Assert.Null(s.Optimizer.Dt);
        Assert.Equal(10.0, s.Time);
        Assert.Equal(0.05, s.Probes[0].Every);
        Assert.Equal(10.0 / 200, s.Probes[1].Every); // default: time / 200
        var rk4 = Parse(Flow, "optimizer.method=rk4", "optimizer.rtol=null", "optimizer.dt=0.01");
        Assert.Equal(FlowMethod.Rk4, rk4.Optimizer.Method);
        Assert.Equal((null, null, 0.01), (rk4.Optimizer.Rtol, rk4.Optimizer.Atol, rk4.Optimizer.Dt));
    }

    [Fact]
    public void EpochsWithMinibatchesSetTheDefaultProbeInterval()
    {
        // 300 samples, 20% held out -> 240 train; batches of 50 -> 5 steps per epoch; 400 epochs -> 2000 steps -> every 10.
        var s = Parse(Mixture, "data.test_samples=0", "data.test_fraction=0.2", "epochs=400", "probes=null");
        Assert.Equal(10.0, s.Probes.Single().Every);
        Assert.Equal(2000, SpecFacts.TotalSteps(s));
    }

    [Fact]
    public void SingularValueProbeDefaultsToEveryValueOfTheWidestLayer()
    {
        var s = Parse(Mixture, "probes.2.top=null");
        Assert.Equal(10, s.Probes[2].Top); // layers 10->32 and 32->3: min(10,32)=10, min(32,3)=3
        Assert.Null(s.Probes[0].Top);
    }

    [Fact]
    public void YamlAndJsonGiveEqualSpecs()
    {
        const string json = """
            {
              "name": "saxe-two-layer", "seed": 7, "dtype": "float64",
              "data": { "kind": "linear-teacher", "inputs": 8, "outputs": 8, "samples": 512,
                        "singular_values": [5, 3, 1], "whiten": true },
              "model": { "kind": "deep-linear", "widths": [8, 8, 8], "activation": "tanh", "bias": false,
                         "init": { "kind": "aligned", "scale": 0.001 } },
              "loss": "mse",
              "optimizer": { "kind": "gd", "lr": 0.01 },
              "steps": 4000,
              "probes": [ { "kind": "loss", "every": 10 }, { "kind": "mode-strengths", "every": 10 },
                          { "kind": "theory", "every": 10 } ],
              "checkpoints": { "every": 1000 }
            }
            """;
        var fromYaml = Parse(Saxe);
        Assert.Equal(fromYaml, SpecLoader.Parse(json, "json"));
        Assert.Equal(fromYaml, SpecLoader.Parse(json)); // format guessed from the text
    }

    [Fact]
    public void OverridesApplyToScalarsListsIndicesAndNestedSections()
    {
        var s = Parse(Saxe,
            "optimizer.lr=0.02",
            "model.widths=[8, 16, 8]",
            "probes.0.every=5",
            "probes[1].kind=grad-norm",
            "probes.3={kind: param-norm, every: 7}",
            "optimizer.schedule.kind=step",
            "optimizer.schedule.step_size=100",
            "data.whiten=null",
            "seed=11");
        Assert.Equal(0.02, s.Optimizer.Lr);
        Assert.Equal([8, 16, 8], s.Model.Widths);
        Assert.Equal(5.0, s.Probes[0].Every);
        Assert.Equal(ProbeKind.GradNorm, s.Probes[1].Kind);
        Assert.Equal(new ProbeSpec { Kind = ProbeKind.ParamNorm, Every = 7 }, s.Probes[3]);
        Assert.Equal(new ScheduleSpec { Kind = ScheduleKind.Step, StepSize = 100, Gamma = 0.1 }, s.Optimizer.Schedule);
        Assert.False(s.Data.Whiten); // null restores the default
        Assert.Equal(11, s.Seed);
        // the rest is untouched
        Assert.Equal(Parse(Saxe).Data with { Whiten = false }, s.Data);
    }

    [Fact]
    public void OverridesCanBuildMissingListsAndSections()
    {
        var s = Parse(Flow, "probes=null", "checkpoints.every=3");
        Assert.Equal(ProbeKind.Loss, s.Probes.Single().Kind);
        var t = Parse(Saxe, "probes=null", "probes.0.kind=update-norm", "probes.0.every=4", "probes.1.kind=param-norm");
        Assert.Equal([new ProbeSpec { Kind = ProbeKind.UpdateNorm, Every = 4 }, new ProbeSpec { Kind = ProbeKind.ParamNorm, Every = 20 }], t.Probes);
    }

    [Fact]
    public void FilePathsResolveAgainstTheSpecFileAndOverridesAgainstTheWorkingDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("gradscope-spec-");
        try
        {
            var data = Path.Combine(dir.FullName, "train.safetensors");
            File.WriteAllBytes(data, [0]);
            var specPath = Path.Combine(dir.FullName, "run.yaml");
            File.WriteAllText(specPath, """
                name: files
                data: { kind: tensors, path: train.safetensors }
                model: { kind: mlp, widths: [3, 1] }
                optimizer: { kind: sgd, lr: 0.1, batch_size: 4 }
                steps: 10
                """);
            Assert.Equal(data, SpecLoader.LoadFile(specPath).Data.Path);

            var relativeToCwd = Path.GetRelativePath(Directory.GetCurrentDirectory(), data);
            Assert.Equal(data, SpecLoader.LoadFile(specPath, [$"data.test_path={relativeToCwd}"]).Data.TestPath);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void LoadFileReadsJsonAndYamlByExtension()
    {
        var dir = Directory.CreateTempSubdirectory("gradscope-spec-");
        try
        {
            var yaml = Path.Combine(dir.FullName, "a.yml");
            var json = Path.Combine(dir.FullName, "a.json");
            File.WriteAllText(yaml, Saxe);
            File.WriteAllText(json, SpecLoader.ToJson(Parse(Saxe)));
            Assert.Equal(SpecLoader.LoadFile(yaml), SpecLoader.LoadFile(json));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void YamlAnchorsAndMergeKeysWork()
    {
        var s = Parse("""
            name: anchors
            data: { kind: linear-teacher, samples: 64, singular_values: [1] }
            model: { kind: deep-linear, widths: [4, 4] }
            optimizer: { kind: gd, lr: 0.1 }
            steps: 100
            probes:
              - &p { kind: loss, every: 4 }
              - { <<: *p, kind: param-norm }
            """);
        Assert.Equal([new ProbeSpec { Kind = ProbeKind.Loss, Every = 4 }, new ProbeSpec { Kind = ProbeKind.ParamNorm, Every = 4 }], s.Probes);
    }

    [Fact]
    public void IntegersMayBeWrittenInExponentNotation()
    {
        Assert.Equal(10000, Parse(Saxe, "steps=1e4").Steps);
        Assert.Equal(10000, SpecLoader.Parse(SpecLoader.ToJson(Parse(Saxe)).Replace("4000", "10000.0", StringComparison.Ordinal), "json").Steps);
    }
}
