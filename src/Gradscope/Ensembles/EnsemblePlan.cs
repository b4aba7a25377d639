using System.Globalization;
using System.Text.Json;
using Gradscope.Lab.Spec;
using Gradscope.Losses;
using Gradscope.Nn;

namespace Gradscope.Ensembles;

/// <summary>
/// Which trials of a sweep can train together as one replica batch (<see cref="EnsembleRunner"/>):
/// trials that differ only in what the batch keeps per replica — the seed (hence data and θ₀), the
/// learning rate, momentum, weight decay and the init's std/gain/scale — and that use only what
/// the batched step implements.
/// </summary>
public static class EnsemblePlan
{
    /// <summary>The keys replicas of one batch may differ in (besides <c>name</c> and <c>notes</c>, which are labels only).</summary>
    public static readonly string[] PerReplicaKeys =
        ["seed", "optimizer.lr", "optimizer.momentum", "optimizer.weight_decay", "model.init.std", "model.init.gain", "model.init.scale"];

    /// <summary>Optimisers the batched step implements (PyTorch conventions, as <see cref="Optim.Optimizers"/>).</summary>
    public static readonly OptimizerKind[] Optimizers =
        [OptimizerKind.Gd, OptimizerKind.Sgd, OptimizerKind.Momentum, OptimizerKind.Nesterov, OptimizerKind.Adam, OptimizerKind.Adamw];

    /// <summary>Activations the batched step implements.</summary>
    public static readonly Activation[] Activations =
        [Activation.Tanh, Activation.Relu, Activation.Linear, Activation.Sigmoid, Activation.Quadratic];

    /// <summary>Probes the batched step records (grad-norm: global and per tensor, as the solo probe).</summary>
    public static readonly ProbeKind[] Probes =
        [ProbeKind.Loss, ProbeKind.Accuracy, ProbeKind.GradNorm, ProbeKind.ParamNorm, ProbeKind.DistanceFromInit, ProbeKind.UpdateNorm];

    /// <summary>Whether these resolved specs can run as one replica batch, and if not, why (a sentence naming the differing key).</summary>
    /// <remarks>
    /// Allowed to differ: seed, optimizer.lr, optimizer.momentum, optimizer.weight_decay, model.init.std / gain / scale
    /// (and the labels name and notes). Everything else must agree, and the common settings must be ones the batched
    /// step implements: an MLP or deep linear network with one of <see cref="Activations"/>, MSE loss, one of
    /// <see cref="Optimizers"/> without clipping, full-batch steps, and only the probes in <see cref="Probes"/>.
    /// </remarks>
    public static (bool Ok, string? Reason) CanBatch(IReadOnlyList<ExperimentSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        if (specs.Count == 0)
        {
            return (false, "no specs: a replica batch needs at least one");
        }
        string? first = null;
        JsonElement firstTree = default;
        for (int i = 0; i < specs.Count; i++)
        {
            var spec = specs[i] ?? throw new ArgumentException($"spec {i} is null", nameof(specs));
            string json = SpecLoader.ToJson(Shared(spec));
            if (first is null)
            {
                first = json;
                firstTree = JsonDocument.Parse(json).RootElement.Clone();
                continue;
            }
            if (json == first)
            {
                continue;
            }
            var tree = JsonDocument.Parse(json).RootElement;
            if (FirstDifference(firstTree, tree, "") is { } d)
            {
                return (false, string.Create(CultureInfo.InvariantCulture,
                    $"{d.Path} differs between the specs ({d.A} in spec 0, {d.B} in spec {i}); replicas of one batch may differ only in {string.Join(", ", PerReplicaKeys)}"));
            }
        }
        return Supported(specs[0]);
    }

    /// <summary>The spec with every per-replica key cleared: what all replicas must share.</summary>
    private static ExperimentSpec Shared(ExperimentSpec s) => s with
    {
        Name = "replica",
        Notes = null,
        Seed = 0,
        Optimizer = s.Optimizer with { Lr = null, Momentum = null, WeightDecay = null },
        Model = s.Model with { Init = s.Model.Init with { Std = null, Gain = null, Scale = null } },
    };

    /// <summary>Why the shared settings cannot run batched, naming the key; (true, null) when they can.</summary>
    private static (bool, string?) Supported(ExperimentSpec s)
    {
        var o = s.Optimizer;
        if (s.IsFlow)
        {
            return (false, "optimizer.kind: flow is integrated by the flow trainer; replica batches take discrete steps");
        }
        if (Array.IndexOf(Optimizers, o.Kind) < 0)
        {
            return (false, $"optimizer.kind: {SpecNames.Kebab(o.Kind)} is not implemented in replica batches (they run {Names(Optimizers)})");
        }
        if (o.ClipNorm is not null || o.ClipValue is not null)
        {
            return (false, $"optimizer.{(o.ClipNorm is not null ? "clip_norm" : "clip_value")}: gradient clipping is not implemented in replica batches");
        }
        if (o.BatchSize is int b)
        {
            int? n = SpecFacts.TrainSamples(s);
            if (n != b)
            {
                return (false, $"optimizer.batch_size: replica batches take full-batch steps only (batch_size {b}, {(n is int m ? m.ToString(CultureInfo.InvariantCulture) : "an unknown number of")} training samples)");
            }
        }
        if (s.Loss != LossKind.Mse)
        {
            return (false, $"loss: {Loss.Name(s.Loss)} is not implemented in replica batches (mse is)");
        }
        if (Array.IndexOf(Activations, s.Model.Activation) < 0)
        {
            return (false, $"model.activation: {Nn.Activations.Name(s.Model.Activation)} is not implemented in replica batches (they run {string.Join(", ", Activations.Select(Nn.Activations.Name))})");
        }
        for (int i = 0; i < s.Probes.Count; i++)
        {
            if (Array.IndexOf(Probes, s.Probes[i].Kind) < 0)
            {
                return (false, $"probes.{i}.kind: {SpecNames.Kebab(s.Probes[i].Kind)} is not recorded in replica batches (they record {Names(Probes)})");
            }
        }
        return (true, null);
    }

    private static string Names<TEnum>(TEnum[] kinds) where TEnum : struct, Enum => string.Join(", ", kinds.Select(k => SpecNames.Kebab(k)));

    /// <summary>The first key (dotted path, list indices as numbers) whose values differ, with both values as compact JSON.</summary>
    private static (string Path, string A, string B)? FirstDifference(JsonElement a, JsonElement b, string path)
    {
        if (a.ValueKind == JsonValueKind.Object && b.ValueKind == JsonValueKind.Object)
        {
            var keys = a.EnumerateObject().Select(p => p.Name).ToList();
            keys.AddRange(b.EnumerateObject().Select(p => p.Name).Where(k => !keys.Contains(k)));
            foreach (var k in keys)
            {
                string sub = path.Length == 0 ? k : path + "." + k;
                bool inA = a.TryGetProperty(k, out var va), inB = b.TryGetProperty(k, out var vb);
                if (!inA || !inB)
                {
                    return (sub, inA ? Compact(va) : "absent", inB ? Compact(vb) : "absent");
                }
                if (FirstDifference(va, vb, sub) is { } d)
                {
                    return d;
                }
            }
            return null;
        }
        // Lists of sections (probes) are compared entry by entry; lists of values as a whole.
        if (a.ValueKind == JsonValueKind.Array && b.ValueKind == JsonValueKind.Array && a.GetArrayLength() == b.GetArrayLength()
            && a.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object))
        {
            int i = 0;
            foreach (var (ea, eb) in a.EnumerateArray().Zip(b.EnumerateArray()))
            {
                if (FirstDifference(ea, eb, path + "." + i.ToString(CultureInfo.InvariantCulture)) is { } d)
                {
                    return d;
                }
                i++;
            }
            return null;
        }
        string ca = Compact(a), cb = Compact(b);
        return ca == cb ? null : (path, ca, cb);
    }

    private static string Compact(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "[" + string.Join(", ", e.EnumerateArray().Select(Compact)) + "]",
        JsonValueKind.Object => "{" + string.Join(", ", e.EnumerateObject().Select(p => p.Name + ": " + Compact(p.Value))) + "}",
        _ => e.GetRawText(),
    };
}
