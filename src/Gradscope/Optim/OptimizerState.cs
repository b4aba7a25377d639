using System.Globalization;
using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Optim;

/// <summary>One named per-parameter buffer of a state (PyTorch's state keys: exp_avg, exp_avg_sq, momentum_buffer, ...).</summary>
public sealed record StateSlot<T>(string Name, IReadOnlyList<Tensor<T>> PerParameter) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// The state of a gradient transformation: an immutable record of plain data. Every state lists
/// its contents generically — per-parameter buffers, integer counters, nested states — so one
/// piece of code (<see cref="OptimizerState"/>) exports and imports any optimiser for checkpoints.
/// </summary>
public abstract record OptimizerState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Per-parameter buffers, each with one tensor per parameter in ParamSet order.</summary>
    public virtual IReadOnlyList<StateSlot<T>> Slots => [];

    /// <summary>Integer counters (e.g. <c>step</c>, the number of updates taken).</summary>
    public virtual IReadOnlyList<(string Name, long Value)> Counters => [];

    /// <summary>Nested states (a chain's states, in order).</summary>
    public virtual IReadOnlyList<OptimizerState<T>> Children => [];

    /// <summary>
    /// A state of the same type with the given contents, listed in the same order and counts as
    /// <see cref="Slots"/>, <see cref="Counters"/> and <see cref="Children"/> of this one.
    /// </summary>
    public abstract OptimizerState<T> Restore(IReadOnlyList<Tensor<T>[]> slots, IReadOnlyList<long> counters, IReadOnlyList<OptimizerState<T>> children);

    /// <summary>Short type tag stored with checkpoints so a state is never imported into the wrong optimiser.</summary>
    public string Kind
    {
        get
        {
            var n = GetType().Name;
            int tick = n.IndexOf('`', StringComparison.Ordinal);
            return tick < 0 ? n : n[..tick];
        }
    }
}

/// <summary>An optimiser state flattened to named tensors and string scalars.</summary>
public sealed record OptimizerStateSnapshot<T>(IReadOnlyList<(string Name, Tensor<T> Value)> Tensors, IReadOnlyDictionary<string, string> Scalars)
    where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// Export and import of optimiser states for checkpoints (<c>gradscope resume</c> must reproduce an
/// uninterrupted run bitwise, so values travel as raw tensors and exact integers).
/// Names: <c>{prefix}.{i}.{slot}.{parameter}</c> for the i-th transform of a chain, e.g.
/// <c>optimizer.0.exp_avg.layers.0.weight</c>; counters as metadata <c>{prefix}.{i}.{counter}</c>;
/// each state's type tag as <c>{prefix}.{i}.kind</c>.
/// </summary>
public static class OptimizerState
{
    public const string DefaultPrefix = "optimizer";

    public static OptimizerStateSnapshot<T> Export<T>(OptimizerState<T> state, IReadOnlyList<string> parameterNames, string prefix = DefaultPrefix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tensors = new List<(string, Tensor<T>)>();
        var scalars = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(state, prefix);
        return new OptimizerStateSnapshot<T>(tensors, scalars);

        void Walk(OptimizerState<T> s, string p)
        {
            scalars[p + ".kind"] = s.Kind;
            foreach (var slot in s.Slots)
            {
                if (slot.PerParameter.Count != parameterNames.Count)
                {
                    throw new ArgumentException($"state slot {slot.Name} has {slot.PerParameter.Count} tensors for {parameterNames.Count} parameter names");
                }
                for (int j = 0; j < parameterNames.Count; j++)
                {
                    tensors.Add(($"{p}.{slot.Name}.{parameterNames[j]}", slot.PerParameter[j]));
                }
            }
            foreach (var (name, value) in s.Counters)
            {
                scalars[$"{p}.{name}"] = value.ToString(CultureInfo.InvariantCulture);
            }
            var children = s.Children;
            for (int i = 0; i < children.Count; i++)
            {
                Walk(children[i], $"{p}.{i}");
            }
        }
    }

    /// <summary>
    /// Rebuilds a state shaped like <paramref name="template"/> (typically <c>transform.Init(params)</c>)
    /// from named tensors and scalars. A missing entry surfaces as the lookup's exception; a tensor of the
    /// wrong shape or a state of another kind raises <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static OptimizerState<T> Import<T>(OptimizerState<T> template, IReadOnlyList<string> parameterNames,
        Func<string, Tensor<T>> tensor, Func<string, string> scalar, string prefix = DefaultPrefix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        return Walk(template, prefix);

        OptimizerState<T> Walk(OptimizerState<T> s, string p)
        {
            var kind = scalar(p + ".kind");
            if (kind != s.Kind)
            {
                throw new InvalidDataException($"optimizer state {p}: stored kind '{kind}' does not match this optimiser's '{s.Kind}'");
            }
            var slots = new List<Tensor<T>[]>();
            foreach (var slot in s.Slots)
            {
                var ts = new Tensor<T>[parameterNames.Count];
                for (int j = 0; j < ts.Length; j++)
                {
                    var name = $"{p}.{slot.Name}.{parameterNames[j]}";
                    var t = tensor(name);
                    if (!Shapes.Equal(t.Shape, slot.PerParameter[j].Shape))
                    {
                        throw new InvalidDataException($"optimizer state {name}: shape {Shapes.Format(t.Shape)}, expected {Shapes.Format(slot.PerParameter[j].Shape)}");
                    }
                    ts[j] = t;
                }
                slots.Add(ts);
            }
            var counters = new List<long>();
            foreach (var (name, _) in s.Counters)
            {
                var key = $"{p}.{name}";
                var text = scalar(key);
                counters.Add(long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
                    ? v : throw new InvalidDataException($"optimizer state {key}: '{text}' is not an integer"));
            }
            var children = s.Children.Select((c, i) => Walk(c, $"{p}.{i}")).ToArray();
            return s.Restore(slots, counters, children);
        }
    }

    /// <summary>Adds the exported state to a safetensors file (tensors, and counters as metadata).</summary>
    public static SafeTensorFile WriteTo<T>(SafeTensorFile file, OptimizerState<T> state, IReadOnlyList<string> parameterNames, string prefix = DefaultPrefix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var snap = Export(state, parameterNames, prefix);
        foreach (var (name, value) in snap.Tensors)
        {
            file.Add(name, value);
        }
        foreach (var (k, v) in snap.Scalars)
        {
            file.Metadata[k] = v;
        }
        return file;
    }

    /// <summary>Reads a state written by <see cref="WriteTo{T}"/>.</summary>
    public static OptimizerState<T> ReadFrom<T>(SafeTensorFile file, OptimizerState<T> template, IReadOnlyList<string> parameterNames, string prefix = DefaultPrefix)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Import(template, parameterNames, file.Get<T>,
            k => file.Metadata.TryGetValue(k, out var v) ? v : throw new KeyNotFoundException($"safetensors: no metadata entry '{k}' (optimizer state)"),
            prefix);
}
