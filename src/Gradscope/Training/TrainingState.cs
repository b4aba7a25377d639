using System.Globalization;
using System.Numerics;
using Gradscope.Nn;
using Gradscope.Optim;
using Gradscope.Optim.Flow;
using Gradscope.Tensors;

namespace Gradscope.Training;

/// <summary>
/// Everything needed to continue a run bitwise: θ_k, the optimiser state, the step and time
/// reached, and θ₀ (distance-from-init after a resume). Minibatch order is a pure function of
/// (seed, step), so it needs no state.
/// </summary>
/// <remarks>For gradient flow, Step is the index of the last record written and <see cref="Flow"/> holds the integrator's state.</remarks>
public sealed record TrainingState<T>(long Step, double Time, ParamSet<T> Params, OptimizerState<T>? Optimizer, ParamSet<T> Initial,
    FlowState<T>? Flow = null)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public const string InitialPrefix = "initial.";

    /// <summary>
    /// A checkpoint file: parameters under their state-dict names (loadable by PyTorch's
    /// load_state_dict after dropping the other keys, as <c>gradscope checkpoint</c> does),
    /// optimiser buffers under <c>optimizer.*</c>, θ₀ under <c>initial.*</c>, step/time as metadata.
    /// </summary>
    public SafeTensorFile ToFile(IReadOnlyDictionary<string, string>? extra = null)
    {
        var f = new SafeTensorFile();
        for (int i = 0; i < Params.Count; i++)
        {
            f.Add(Params.Names[i], Params[i]);
            f.Add(InitialPrefix + Initial.Names[i], Initial[i]);
        }
        if (Optimizer is not null)
        {
            OptimizerState.WriteTo(f, Optimizer, Params.Names);
        }
        Flow?.WriteTo(f);
        f.Metadata["step"] = Step.ToString(CultureInfo.InvariantCulture);
        f.Metadata["time"] = Time.ToString("R", CultureInfo.InvariantCulture);
        f.Metadata["dtype"] = typeof(T) == typeof(double) ? "float64" : "float32";
        if (extra is not null)
        {
            foreach (var (k, v) in extra)
            {
                f.Metadata[k] = v;
            }
        }
        return f;
    }

    /// <summary>Reads a checkpoint written by <see cref="ToFile"/>; <paramref name="optimizerTemplate"/> is transform.Init(params).</summary>
    public static TrainingState<T> FromFile(SafeTensorFile f, Model model, OptimizerState<T>? optimizerTemplate)
    {
        var names = model.Parameters.Select(p => p.Name).ToArray();
        var ps = new ParamSet<T>(names, names.Select(n => f.Get<T>(n)).ToArray());
        var init = new ParamSet<T>(names, names.Select(n => f.Get<T>(InitialPrefix + n)).ToArray());
        var opt = optimizerTemplate is null ? null : OptimizerState.ReadFrom(f, optimizerTemplate, names);
        long step = long.Parse(f.Metadata["step"], CultureInfo.InvariantCulture);
        double time = double.Parse(f.Metadata["time"], CultureInfo.InvariantCulture);
        var flow = f.Contains("flow.y") ? FlowState<T>.ReadFrom(f) : null;
        return new TrainingState<T>(step, time, ps, opt, init, flow);
    }
}
