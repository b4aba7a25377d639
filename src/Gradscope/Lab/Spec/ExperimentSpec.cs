using Gradscope.Losses;

namespace Gradscope.Lab.Spec;

/// <summary>
/// A whole experiment, validated and with every default resolved (design notes §3.2). Built only
/// by <see cref="SpecLoader"/>; each property is the PascalCase form of its snake_case key, and
/// the meaning, constraints and defaults of every key are in <see cref="SpecTable"/>
/// (rendered in docs/spec.md).
/// </summary>
public sealed record ExperimentSpec
{
    /// <summary>Run name: lower-case letters, digits, '.', '_' and '-'.</summary>
    public string Name { get; init; } = "";

    public long Seed { get; init; }

    public DType DType { get; init; } = DType.Float64;

    public DataSpec Data { get; init; } = new();

    public ModelSpec Model { get; init; } = new();

    public LossKind Loss { get; init; } = LossKind.Mse;

    public OptimizerSpec Optimizer { get; init; } = new();

    /// <summary>Number of optimiser steps (discrete optimisers; exactly one of Steps and Epochs is set).</summary>
    public long? Steps { get; init; }

    /// <summary>Number of passes over the training split (discrete optimisers).</summary>
    public long? Epochs { get; init; }

    /// <summary>Integration time of gradient flow (<c>optimizer.kind: flow</c> only).</summary>
    public double? Time { get; init; }

    public ValueList<ProbeSpec> Probes { get; init; } = [];

    public CheckpointSpec Checkpoints { get; init; } = new();

    public DivergenceSpec Divergence { get; init; } = new();

    /// <summary>Free text, stored with the run.</summary>
    public string? Notes { get; init; }

    /// <summary>True for gradient flow (probe intervals and <see cref="Time"/> are in flow time).</summary>
    public bool IsFlow => Optimizer.Kind == OptimizerKind.Flow;
}

/// <summary><c>checkpoints:</c> — besides step 0 and the final step.</summary>
public sealed record CheckpointSpec
{
    /// <summary>Also every this many steps (integrator steps for flow); null = only step 0 and final.</summary>
    public long? Every { get; init; }
}

/// <summary><c>divergence:</c> — when a run stops with status <c>diverged</c>.</summary>
public sealed record DivergenceSpec
{
    /// <summary>A training loss above this bound (or not finite, always) means divergence.</summary>
    public double LossAbove { get; init; } = 1e10;
}
