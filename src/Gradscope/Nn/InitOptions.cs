namespace Gradscope.Nn;

/// <summary>
/// How to draw initial parameters. Kinds (spec names): default (PyTorch nn.Linear), normal,
/// uniform, xavier-normal, xavier-uniform, he-normal, he-uniform, lecun-normal, orthogonal,
/// identity, zeros, balanced and aligned (deep linear networks only).
/// </summary>
public sealed record InitOptions
{
    public string Kind { get; init; } = "default";

    /// <summary>Standard deviation for <c>normal</c>.</summary>
    public double? Std { get; init; }

    /// <summary>Bounds for <c>uniform</c>.</summary>
    public double? Low { get; init; }

    public double? High { get; init; }

    /// <summary>Gain for xavier/he/lecun/orthogonal (defaults: 1; √2 for he-*).</summary>
    public double? Gain { get; init; }

    /// <summary>Per-layer scale for balanced and aligned initialisations.</summary>
    public double? Scale { get; init; }

    /// <summary>"zeros" (default) or "default" (PyTorch's U(±1/√fan_in)).</summary>
    public string BiasInit { get; init; } = "zeros";

    public static readonly string[] Kinds =
        ["default", "normal", "uniform", "xavier-normal", "xavier-uniform", "he-normal", "he-uniform", "lecun-normal", "orthogonal", "identity", "zeros", "balanced", "aligned"];
}
