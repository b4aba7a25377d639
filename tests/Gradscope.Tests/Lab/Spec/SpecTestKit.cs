using System.Runtime.CompilerServices;
using Gradscope.Lab.Spec;

namespace Gradscope.Tests.Lab.Spec;

/// <summary>Spec texts and helpers shared by the spec tests.</summary>
internal static class SpecTestKit
{
    /// <summary>The example of the design notes §3.2, verbatim (comments included).</summary>
    public const string Saxe = """
        name: saxe-two-layer
        seed: 7
        dtype: float64                 # float64 | float32
        data:
          kind: linear-teacher         # y = A x; A = U diag(singular_values) V^T
          inputs: 8
          outputs: 8
          samples: 512
          singular_values: [5, 3, 1]
          whiten: true                 # inputs exactly whitened: (1/n) X^T X = I
          # kind: tensors   path: data.safetensors  (tensor "x" [n,d]; "y" [n,k] float, or [n] int64 labels)
          # kind: fashion-mnist  dir: /usr/share/datasets/fashion-mnist  train_samples: 5000 ...
        model:
          kind: deep-linear            # deep-linear | mlp | ...
          widths: [8, 8, 8]            # every layer width, input first, output last
          activation: tanh             # mlp only
          bias: false
          init: { kind: aligned, scale: 0.001 }   # or normal/xavier-normal/he-normal/orthogonal/balanced ...
          # init_from: init.safetensors           # names layers.{i}.weight [out,in], layers.{i}.bias [out]
        loss: mse                      # mse = mean over samples of 0.5*||f(x)-y||^2 ; cross-entropy from logits
        optimizer:
          kind: gd                     # gd | sgd | momentum | nesterov | adam | adamw | rmsprop | adagrad | flow
          lr: 0.01
          # momentum: 0.9  betas: [0.9, 0.999]  eps: 1.0e-8  weight_decay: 0  batch_size: 64
          # flow: method: dopri5 | rk4, rtol, atol, and `time:` instead of `steps:`
        steps: 4000
        probes:
          - { kind: loss, every: 10 }
          - { kind: mode-strengths, every: 10 }    # u_k = u_k^T W_end v_k against the teacher's modes
          - { kind: theory, every: 10 }            # closed-form prediction where one exists
        checkpoints: { every: 1000 }
        """;

    /// <summary>A small MLP classification spec exercising other sections.</summary>
    public const string Mixture = """
        name: mixture.adam_1
        seed: 3
        dtype: float32
        data: { kind: gaussian-mixture, classes: 3, samples: 300, test_samples: 60, separation: 3 }
        model:
          kind: mlp
          widths: [10, 32, 3]
          activation: relu
          parameterization: ntk
          init: { kind: he-normal, bias_init: default }
        loss: cross-entropy
        optimizer:
          kind: adamw
          lr: 1.0e-3
          betas: [0.8, 0.99]
          batch_size: 50
          clip_norm: 1
          schedule: { kind: cosine, warmup_steps: 20, final_lr: 1e-5 }
        epochs: 30
        probes:
          - { kind: loss, every: 5 }
          - { kind: accuracy, log: 40 }
          - { kind: singular-values, every: 10, top: 2 }
        notes: "a three-class mixture"
        """;

    /// <summary>Gradient flow on the linear teacher.</summary>
    public const string Flow = """
        name: saxe-flow
        data: { kind: linear-teacher, samples: 64, singular_values: [3, 1], whiten: true }
        model: { kind: deep-linear, widths: [4, 4, 4], init: { kind: balanced, scale: 0.01 } }
        optimizer: { kind: flow, rtol: 1.0e-10 }
        time: 10
        probes: [ { kind: mode-strengths, every: 0.05 }, { kind: balancedness } ]
        """;

    public static ExperimentSpec Parse(string text, params string[] overrides) => SpecLoader.Parse(text, "yaml", overrides);

    /// <summary>The errors of an invalid spec (fails the test when the spec loads).</summary>
    public static IReadOnlyList<SpecError> Errors(string text, params string[] overrides)
    {
        try
        {
            SpecLoader.Parse(text, "yaml", overrides);
        }
        catch (SpecException e)
        {
            Assert.NotEmpty(e.Errors);
            return e.Errors;
        }
        Assert.Fail("the spec loaded, but errors were expected");
        return [];
    }

    /// <summary>The single error of the spec, rendered (asserts there is exactly one).</summary>
    public static string OnlyError(string text, params string[] overrides)
    {
        var errors = Errors(text, overrides);
        Assert.True(errors.Count == 1, "expected one error, got:\n" + string.Join("\n", errors));
        return RenderWithoutSource(errors[0]);
    }

    public static string RenderWithoutSource(SpecError e) => (e with { Source = null }).ToString();

    /// <summary>The repository root (holds Gradscope.slnx): above the test binaries, else above this source file.</summary>
    public static string RepoRoot([CallerFilePath] string thisFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(thisFile) ?? "" })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Gradscope.slnx")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new DirectoryNotFoundException($"repository root (Gradscope.slnx) not found above {AppContext.BaseDirectory} or {thisFile}");
    }
}
