using System.Globalization;
using System.Numerics;
using Gradscope.Lab;
using Gradscope.Lab.Spec;
using Gradscope.Nn;
using Gradscope.Probes;
using Gradscope.Training;

namespace Gradscope.Tests.Ensembles;

/// <summary>Specs for replica batches and the solo runs they are compared with.</summary>
internal static class EnsembleFixture
{
    /// <summary>A tanh MLP 5-16-1 with biases on teacher-student data (64 train, 32 test samples), MSE, float64, unless overridden.</summary>
    public static ExperimentSpec Spec(long seed, double lr, string optimizer = "kind: momentum, momentum: 0.9", long steps = 200,
        string init = "{ kind: default }", string widths = "[5, 16, 1]", string? batch = null, string probes = DefaultProbes,
        string dtype = "float64", string activation = "tanh", string parameterization = "standard", string data = TeacherStudent)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $$"""
            name: ens-{{seed}}
            seed: {{seed}}
            dtype: {{dtype}}
            data: {{data}}
            model: { kind: mlp, widths: {{widths}}, activation: {{activation}}, parameterization: {{parameterization}}, bias: true, init: {{init}} }
            loss: mse
            optimizer: { {{optimizer}}, lr: {{lr:R}}{{(batch is null ? "" : ", batch_size: " + batch)}} }
            steps: {{steps}}
            probes:
            {{probes}}
            """);
        return SpecLoader.Parse(text, "yaml");
    }

    public const string TeacherStudent = "{ kind: teacher-student, inputs: 5, outputs: 1, hidden: 4, samples: 64, test_samples: 32, teacher_activation: tanh }";

    /// <summary>Three Gaussian clusters in 5 dimensions (one-hot targets; widths [5, h, 3]).</summary>
    public const string Mixture = "{ kind: gaussian-mixture, inputs: 5, classes: 3, samples: 60, test_samples: 30 }";

    public const string DefaultProbes = """
          - { kind: loss, every: 1 }
          - { kind: param-norm, every: 25 }
          - { kind: grad-norm, every: 10 }
          - { kind: distance-from-init, every: 20 }
          - { kind: update-norm, log: 12 }
        """;

    /// <summary>The solo run of a spec through the normal trainer: result, metrics and final parameters.</summary>
    public static (TrainResult Result, MemorySink Sink, ParamSet<T> Final) Solo<T>(ExperimentSpec spec) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var exp = ExperimentBuilder.Build<T>(spec);
        var sink = new MemorySink();
        var last = new LastState<T>();
        var result = exp.Run(exp.Start(), sink, last, null, default);
        return (result, sink, last.State!.Params);
    }

    private sealed class LastState<T> : ICheckpointSink<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public TrainingState<T>? State { get; private set; }

        public void Save(TrainingState<T> state) => State = state;
    }

    /// <summary>|a − b| ≤ tol·max(|a|, |b|) (equal non-finite values pass).</summary>
    public static bool Close(double a, double b, double tol) =>
        a.Equals(b) || Math.Abs(a - b) <= tol * Math.Max(Math.Abs(a), Math.Abs(b));
}
