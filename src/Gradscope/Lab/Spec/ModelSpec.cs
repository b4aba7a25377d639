using Gradscope.Nn;

namespace Gradscope.Lab.Spec;

/// <summary><c>model:</c> — the network, its parameterisation and its initialisation.</summary>
public sealed record ModelSpec
{
    public ModelKind Kind { get; init; }

    /// <summary>Every layer width, input first, output last (at least two entries).</summary>
    public ValueList<int> Widths { get; init; } = [];

    /// <summary>mlp: the activation (default tanh); a deep-linear network is always linear.</summary>
    public Activation Activation { get; init; } = Activation.Linear;

    public bool Bias { get; init; }

    public Parameterization Parameterization { get; init; } = Parameterization.Standard;

    public InitSpec Init { get; init; } = new();

    /// <summary>Absolute path of a safetensors file with the initial parameters (then <see cref="Init"/> is unused).</summary>
    public string? InitFrom { get; init; }
}

/// <summary><c>model.init:</c> — how the initial weights are drawn.</summary>
public sealed record InitSpec
{
    public InitKind Kind { get; init; } = InitKind.Default;

    public double? Std { get; init; }

    public double? Low { get; init; }

    public double? High { get; init; }

    public double? Gain { get; init; }

    public double? Scale { get; init; }

    public BiasInit BiasInit { get; init; } = BiasInit.Zeros;
}
