using Gradscope.Lab.Spec;
using static Gradscope.Tests.Lab.Spec.SpecTestKit;

namespace Gradscope.Tests.Lab.Spec;

/// <summary>
/// Every kind of bad input named by the acceptance section, and the other validation
/// errors, with the exact field path and message. The expected texts are the contract (the
/// message formats of the spec brief), not outputs copied from the code.
/// </summary>
public class SpecErrorTests
{
    [Fact]
    public void NegativeLearningRate() =>
        Assert.Equal("optimizer.lr: must be > 0, got -1", OnlyError(Saxe, "optimizer.lr=-1"));

    [Fact]
    public void NegativeLearningRateInTheFileNamesItsLine()
    {
        var e = Errors(Saxe.Replace("lr: 0.01", "lr: -0.5", StringComparison.Ordinal)).Single();
        Assert.Equal("optimizer.lr", e.Path);
        Assert.Equal("must be > 0, got -0.5", e.Message);
        int line = Saxe.Split('\n').ToList().FindIndex(l => l.Contains("lr: 0.01", StringComparison.Ordinal)) + 1;
        Assert.StartsWith($"line {line}, column", e.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void OverrideErrorsNameTheOverride()
    {
        var e = Errors(Saxe, "optimizer.lr=-1").Single();
        Assert.Equal("--set optimizer.lr", e.Source);
    }

    [Fact]
    public void UnknownKeySuggestsTheClosest() =>
        Assert.Equal("model.widht: unknown key (did you mean 'widths'?)",
            Errors(Saxe.Replace("widths:", "widht:", StringComparison.Ordinal)).Select(RenderWithoutSource).First());

    [Fact]
    public void UnknownKeyAlsoMissesTheRequiredOne()
    {
        var errors = Errors(Saxe.Replace("widths:", "widht:", StringComparison.Ordinal)).Select(RenderWithoutSource).ToList();
        Assert.Equal(["model.widht: unknown key (did you mean 'widths'?)", "model.widths: required"], errors);
    }

    [Fact]
    public void UnknownKeyWithoutCloseMatchListsTheAllowedKeys() =>
        Assert.Equal("checkpoints.frequency: unknown key; allowed: every", OnlyError(Saxe, "checkpoints.frequency=3"));

    [Fact]
    public void KeyInTheWrongSectionPointsToItsHome() =>
        Assert.Equal("lr: unknown key (did you mean 'optimizer.lr'?)", OnlyError(Saxe, "lr=0.1"));

    [Fact]
    public void SpellingVariantsOfKeysAreRecognised() =>
        Assert.Equal("optimizer.batchSize: unknown key (did you mean 'batch_size'?)", OnlyError(Saxe, "optimizer.batchSize=8"));

    [Fact]
    public void UnknownOptimizerKind() =>
        Assert.Equal(
            "optimizer.kind: unknown value 'adamm'; allowed: gd, sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad, flow (did you mean 'adam'?)",
            OnlyError(Saxe, "optimizer.kind=adamm"));

    [Fact]
    public void UnknownProbeKindSuggestsTheHyphenatedName() =>
        Assert.EndsWith("(did you mean 'grad-norm'?)", OnlyError(Saxe, "probes.0.kind=gradnorm"), StringComparison.Ordinal);

    [Fact]
    public void UnknownDataKindIsReportedOnceWithoutEchoes() =>
        Assert.StartsWith("data.kind: unknown value 'linear-teachr'; allowed: linear-teacher, teacher-student,",
            OnlyError(Saxe, "data.kind=linear-teachr"), StringComparison.Ordinal);

    [Fact]
    public void ValuesAreStillCheckedWhenTheKindIsWrong()
    {
        var errors = Errors(Saxe, "optimizer.kind=adamm", "optimizer.lr=-1").Select(e => e.Path);
        Assert.Equal(["optimizer.kind", "optimizer.lr"], errors.Order());
    }

    [Fact]
    public void KeyErrorsPointAtTheKey()
    {
        var e = Errors(Saxe.Replace("widths:", "widht:", StringComparison.Ordinal))[0];
        int line = Saxe.Split('\n').ToList().FindIndex(l => l.Contains("widths:", StringComparison.Ordinal)) + 1;
        Assert.Equal($"line {line}, column 3", e.Source);
    }

    [Fact]
    public void ZeroWidth() =>
        Assert.Equal("model.widths.1: must be > 0, got 0", OnlyError(Saxe, "model.widths=[8, 0, 8]"));

    [Fact]
    public void TooFewWidths() =>
        Assert.Equal("model.widths: must have at least 2 entries, got 1", OnlyError(Saxe, "model.widths=[8]"));

    [Fact]
    public void NegativeStepCount() =>
        Assert.Equal("steps: must be >= 0, got -5", OnlyError(Saxe, "steps=-5"));

    [Fact]
    public void ZeroStepsIsAValidRunThatOnlyRecordsTheStart() => Assert.Equal(0, Parse(Saxe, "steps=0").Steps);

    [Fact]
    public void DataWidthMismatch() =>
        Assert.Equal("data.inputs: 10 does not match model.widths.0 (8)", OnlyError(Saxe, "data.inputs=10"));

    [Fact]
    public void DataOutputMismatch() =>
        Assert.Equal("data.outputs: 4 does not match model.widths.2 (8)", OnlyError(Saxe, "data.outputs=4", "data.singular_values=[2, 1]"));

    [Fact]
    public void ClassCountMismatch() =>
        Assert.Equal("model.widths.2: must be 3 (one output per class of the 3 classes of data.classes), got 4",
            OnlyError(Mixture, "model.widths=[10, 32, 4]"));

    [Fact]
    public void BinaryLossNeedsOneOutput() =>
        Assert.Equal("model.widths.2: must be 1 (one output for logistic on two classes), got 2",
            OnlyError(Mixture, "data.classes=2", "model.widths=[10, 32, 2]", "loss=logistic", "probes.1.kind=loss", "probes=null"));

    [Fact]
    public void HierarchicalSizesFollowTheTree()
    {
        var errors = Errors(Saxe, "data={kind: hierarchical, depth: 3}", "model.init={kind: default}", "probes=null", "model.widths=[8, 8, 8]")
            .Select(RenderWithoutSource).ToList();
        Assert.Equal(["model.widths.2: must be 15, the 2^(depth+1) − 1 tree-node features of data.depth 3, got 8"], errors);
        Assert.Equal(15, Parse(Saxe, "data={kind: hierarchical, depth: 3}", "model.init={kind: default}", "probes=null", "model.widths=[8, 4, 15]").Model.Widths[^1]);
    }

    [Fact]
    public void FashionMnistHas784Inputs() =>
        Assert.Equal("model.widths.0: must be 784 for fashion-mnist (28×28 pixels), got 10",
            OnlyError(Mixture, "data={kind: fashion-mnist, classes: [0, 1, 2]}", "optimizer.batch_size=null"));

    [Fact]
    public void MissingDataFile()
    {
        var message = OnlyError(Saxe, "data={kind: tensors, path: no-such-file.safetensors}", "model.init=null", "probes=null");
        Assert.StartsWith("data.path: file not found: no-such-file.safetensors (", message, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine(Directory.GetCurrentDirectory(), "no-such-file.safetensors") + ")", message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingInitFile() =>
        Assert.StartsWith("model.init_from: file not found: /no/such/init.safetensors",
            OnlyError(Saxe, "model.init=null", "model.init_from=/no/such/init.safetensors"), StringComparison.Ordinal);

    [Fact]
    public void MissingSpecFile()
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.LoadFile("/no/such/spec.yaml"));
        Assert.Equal("spec file not found: /no/such/spec.yaml", e.Errors.Single().Message);
    }

    [Theory]
    [InlineData("name: a\ndata:\n  kind: gd\n   samples: 3\n", 4)]            // bad indentation
    [InlineData("name: a\nprobes: [ {kind: loss}\nsteps: 3\n", 3)]            // unclosed flow sequence: a key inside it
    [InlineData("name: a\nname: b\n", 2)]                                       // duplicate key
    public void MalformedYamlNamesFileLineAndColumn(string text, int line)
    {
        var dir = Directory.CreateTempSubdirectory("gradscope-spec-");
        try
        {
            var path = Path.Combine(dir.FullName, "bad.yaml");
            File.WriteAllText(path, text);
            var e = Assert.Throws<SpecException>(() => SpecLoader.LoadFile(path));
            Assert.StartsWith($"{path}:{line}:", e.Errors[0].Source, StringComparison.Ordinal);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void MalformedJsonNamesFileLineAndColumn()
    {
        var dir = Directory.CreateTempSubdirectory("gradscope-spec-");
        try
        {
            var path = Path.Combine(dir.FullName, "bad.json");
            File.WriteAllText(path, "{\n  \"name\": \"a\",\n  \"seed\": 3 4\n}\n");
            var e = Assert.Throws<SpecException>(() => SpecLoader.LoadFile(path)).Errors.Single();
            Assert.StartsWith($"{path}:3:", e.Source, StringComparison.Ordinal);
            Assert.StartsWith("malformed JSON: ", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void AllErrorsAreCollected()
    {
        var errors = Errors(Saxe, "optimizer.lr=-1", "model.widths=[8, 0, 8]", "steps=-5", "seed=x", "data.noise=-1")
            .Select(e => e.Path).ToHashSet();
        Assert.Equal(["optimizer.lr", "model.widths.1", "steps", "seed", "data.noise"], errors);
    }

    [Fact]
    public void KeyNotUsedByTheKindNamesKeyAndKind() =>
        Assert.Equal("data.hidden: not used by data kind 'linear-teacher' (only by teacher-student)", OnlyError(Saxe, "data.hidden=4"));

    [Fact]
    public void InitKeyNotUsedByTheInitKind() =>
        Assert.Equal("model.init.std: not used by model.init kind 'aligned' (only by normal)", OnlyError(Saxe, "model.init.std=0.1"));

    [Fact]
    public void LearningRateIsNotAFlowKey() =>
        Assert.StartsWith("optimizer.lr: not used by optimizer kind 'flow' (only by gd, sgd,", OnlyError(Flow, "optimizer.lr=0.1"), StringComparison.Ordinal);

    [Fact]
    public void MissingRequiredKeyForTheKind() =>
        Assert.Equal("data.samples: required for data kind 'linear-teacher'", OnlyError(Saxe, "data.samples=null"));

    [Fact]
    public void MissingSection() =>
        Assert.Equal("optimizer: required", OnlyError(Saxe, "optimizer=null"));

    [Fact]
    public void MissingKind() =>
        Assert.Equal("model.kind: required; allowed: deep-linear, mlp", OnlyError(Saxe, "model.kind=null"));

    [Theory]
    [InlineData("optimizer.lr=abc", "optimizer.lr: must be a number, got abc")]
    [InlineData("optimizer.lr='0.1'", "optimizer.lr: must be a number, got string '0.1'")]
    [InlineData("steps=2.5", "steps: must be an integer, got 2.5")]
    [InlineData("data.whiten=yes", "data.whiten: must be true or false, got yes")]
    [InlineData("model.widths=8", "model.widths: must be a list, got 8")]
    [InlineData("data=linear", "data: must be a mapping of keys, got linear")]
    [InlineData("optimizer.lr=.inf", "optimizer.lr: must be a finite number, got .inf")]
    [InlineData("data.test_fraction=1", "data.test_fraction: must be in [0, 1), got 1")]
    [InlineData("optimizer.kind=momentum", null)]
    [InlineData("name=Saxe Run", "name: must be lower-case letters, digits, '.', '_' or '-' (matching ^[a-z0-9][a-z0-9._-]{0,127}$), got 'Saxe Run'")]
    [InlineData("probes.0=loss", "probes.0: must be a mapping (e.g. {kind: ...}), got loss")]
    public void ValueTypeErrors(string set, string? expected)
    {
        if (expected is null)
        {
            Parse(Saxe, set);
            return;
        }
        Assert.Equal(expected, OnlyError(Saxe, set));
    }

    [Theory]
    [InlineData(new[] { "epochs=10" }, "epochs: cannot be combined with steps (give exactly one)")]
    [InlineData(new[] { "steps=null" }, "steps: required (or epochs) for optimizer kind 'gd'")]
    [InlineData(new[] { "time=3" }, "time: only for optimizer kind 'flow'; 'gd' takes steps or epochs")]
    [InlineData(new[] { "optimizer.batch_size=600", "optimizer.kind=sgd" }, "optimizer.batch_size: 600 exceeds the 512 training samples")]
    [InlineData(new[] { "optimizer.batch_size=8" }, "optimizer.batch_size: not used by optimizer kind 'gd' (only by sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad)")]
    [InlineData(new[] { "optimizer.kind=adam", "optimizer.betas=[0.9]" }, "optimizer.betas: must have exactly 2 entries, got 1")]
    [InlineData(new[] { "optimizer.kind=adam", "optimizer.betas=[0.9, 1]" }, "optimizer.betas.1: must be in [0, 1), got 1")]
    [InlineData(new[] { "optimizer.kind=momentum", "optimizer.momentum=1" }, "optimizer.momentum: must be in [0, 1), got 1")]
    [InlineData(new[] { "optimizer.schedule.kind=step" }, "optimizer.schedule.step_size: required for optimizer.schedule kind 'step'")]
    [InlineData(new[] { "data.singular_values=[1, 3]" }, "data.singular_values: must be non-increasing (mode 1 is the strongest), got [1, 3]")]
    [InlineData(new[] { "data.singular_values=[9, 8, 7, 6, 5, 4, 3, 2, 1]" }, "data.singular_values: 9 values, but a 8×8 teacher has rank at most 8")]
    [InlineData(new[] { "data.samples=4" }, "data.whiten: needs at least as many training samples as inputs to make (1/n) XᵀX = I, got 4 samples of dimension 8")]
    [InlineData(new[] { "data.test_samples=10", "data.test_fraction=0.1" }, "data.test_fraction: cannot be combined with data.test_samples (both define the test split)")]
    [InlineData(new[] { "data.test_fraction=0.0001" }, "data.test_fraction: 0.0001 of 512 samples leaves no test sample")]
    [InlineData(new[] { "loss=cross-entropy" }, "loss: cross-entropy needs class labels, but data kind 'linear-teacher' has real-valued targets (use mse)")]
    [InlineData(new[] { "model.init={kind: uniform, low: 1, high: 0}" }, "model.init.high: must be > low (1), got 0")]
    [InlineData(new[] { "model.widths=[8, 2, 8]" }, "model.widths.1: aligned init needs every hidden width >= 3 (the number of singular values), got 2")]
    [InlineData(new[] { "probes.0.every=2.5" }, "probes.0.every: must be a whole number of steps for optimizer kind 'gd', got 2.5")]
    [InlineData(new[] { "probes.0.log=20" }, "probes.0.log: cannot be combined with every (give one schedule)")]
    [InlineData(new[] { "probes.2.kind=loss" }, "probes.2.kind: duplicate probe 'loss' (also probes.0)")]
    [InlineData(new[] { "probes.0.kind=accuracy" }, "probes.0.kind: accuracy needs class labels; data kind 'linear-teacher' has real-valued targets")]
    [InlineData(new[] { "probes.0.top=3" }, "probes.0.top: not used by probes kind 'loss' (only by singular-values, sharpness, gradient-subspace)")]
    [InlineData(new[] { "model.init=null", "model.init_from=/etc/hostname", "model.init.kind=normal", "model.init.std=1" }, "model.init: cannot be combined with model.init_from (the file gives the initial parameters)")]
    [InlineData(new[] { "divergence.loss_above=0" }, "divergence.loss_above: must be > 0, got 0")]
    public void CrossFieldRules(string[] overrides, string expected) => Assert.Equal(expected, OnlyError(Saxe, overrides));

    [Fact]
    public void AlignedInitIsForDeepLinearNetsOnALinearTeacher()
    {
        Assert.Equal("model.init.kind: aligned is only for deep-linear models",
            OnlyError(Mixture, "model.init={kind: aligned, scale: 0.1}"));
        Assert.Equal("model.init.kind: aligned needs linear-teacher data (it starts aligned with the teacher's singular vectors)",
            OnlyError(Saxe, "data={kind: teacher-student, samples: 100, hidden: 4}", "probes=null"));
    }

    [Fact]
    public void ModeStrengthsNeedADeepLinearModelOnALinearTeacher() =>
        Assert.Equal(
            "probes.1.kind: mode-strengths needs linear-teacher data and a deep-linear model (it measures the teacher's modes in the end-to-end map)",
            Errors(Saxe, "model.kind=mlp", "model.init=null", "probes.2.kind=param-norm").Select(RenderWithoutSource).Single());

    [Fact]
    public void FlowRules()
    {
        Assert.Equal("steps: not used by optimizer kind 'flow' (give time: the integration time)", OnlyError(Flow, "steps=10"));
        Assert.Equal("time: required for optimizer kind 'flow'", OnlyError(Flow, "time=null"));
        Assert.Equal("optimizer.dt: required for method rk4 (the fixed step in flow time)", OnlyError(Flow, "optimizer.method=rk4", "optimizer.rtol=null"));
        Assert.Equal("optimizer.rtol: only for method dopri5 (rk4 takes a fixed step dt)", OnlyError(Flow, "optimizer.method=rk4", "optimizer.dt=0.1"));
        Assert.Equal("optimizer.dt: only for method rk4 (dopri5 chooses its steps from rtol and atol)", OnlyError(Flow, "optimizer.dt=0.1"));
        Parse(Flow, "probes.0.every=0.125"); // fractional intervals are flow time
    }

    [Fact]
    public void OverrideSyntaxErrors()
    {
        Assert.Equal("expected PATH=VALUE, got 'optimizer.lr'", OnlyError(Saxe, "optimizer.lr"));
        Assert.Equal("probes.7.every: probes has 3 entries, no entry 7", OnlyError(Saxe, "probes.7.every=1"));
        Assert.Equal("optimizer.lr.x: optimizer.lr is a single value, not a mapping or list", OnlyError(Saxe, "optimizer.lr.x=1"));
    }

    [Fact]
    public void DuplicateKeysAreErrors() =>
        Assert.Equal("data.samples: duplicate key", OnlyError(Saxe.Replace("samples: 512", "samples: 512\n  samples: 256", StringComparison.Ordinal)));

    [Fact]
    public void ExceptionMessageListsEveryError()
    {
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse(Saxe, "yaml", ["optimizer.lr=-1", "steps=-5"]));
        Assert.Contains("(2 errors)", e.Message, StringComparison.Ordinal);
        Assert.Contains("--set optimizer.lr: optimizer.lr: must be > 0, got -1", e.Message, StringComparison.Ordinal);
        Assert.Contains("--set steps: steps: must be >= 0, got -5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyAndNonMappingSpecs()
    {
        Assert.Equal("the spec is empty", OnlyError(""));
        Assert.Equal("a spec is a mapping of keys (name, data, model, optimizer, ...)", OnlyError("- 1\n- 2\n"));
    }
}
