using System.Globalization;
using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Optim.Flow;

/// <summary>
/// Everything a stepper needs to continue an integration bitwise as if never interrupted: time,
/// solution and its derivative F(t, y) (reused as the first stage: FSAL for Dormand–Prince, k1 for
/// RK4), the step size to try next, the controller's memory, and the work counters.
/// The vectors are in the model's precision T (float32 models integrate in float32: tolerances
/// below ~1e-6 are then out of reach); time and step size are always double.
/// </summary>
public sealed record FlowState<T>(
    string Method,
    double Time,
    T[] Y,
    T[] F,
    double H,
    double FacOld,
    long Accepted,
    long Rejected,
    long Evaluations) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A deep copy (the vectors are arrays: records compare and copy them by reference).</summary>
    public FlowState<T> DeepCopy() => this with { Y = (T[])Y.Clone(), F = (T[])F.Clone() };

    /// <summary>Writes the state to a checkpoint: tensors <c>{prefix}.y</c>, <c>{prefix}.f</c>, scalars as metadata (doubles round-trip exactly).</summary>
    public SafeTensorFile WriteTo(SafeTensorFile file, string prefix = "flow")
    {
        file.Add(prefix + ".y", Tensor.FromArray(Y, Y.Length));
        file.Add(prefix + ".f", Tensor.FromArray(F, F.Length));
        file.Metadata[prefix + ".method"] = Method;
        file.Metadata[prefix + ".time"] = Exact(Time);
        file.Metadata[prefix + ".h"] = Exact(H);
        file.Metadata[prefix + ".fac_old"] = Exact(FacOld);
        file.Metadata[prefix + ".accepted"] = Accepted.ToString(CultureInfo.InvariantCulture);
        file.Metadata[prefix + ".rejected"] = Rejected.ToString(CultureInfo.InvariantCulture);
        file.Metadata[prefix + ".evaluations"] = Evaluations.ToString(CultureInfo.InvariantCulture);
        return file;
    }

    /// <summary>Reads a state written by <see cref="WriteTo"/>; a missing or malformed entry raises an exception naming it.</summary>
    public static FlowState<T> ReadFrom(SafeTensorFile file, string prefix = "flow")
    {
        string Meta(string k) => file.Metadata.TryGetValue(prefix + "." + k, out var v) ? v
            : throw new KeyNotFoundException($"safetensors: no metadata entry '{prefix}.{k}' (flow state)");
        double D(string k) => double.TryParse(Meta(k), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new InvalidDataException($"flow state {prefix}.{k}: '{Meta(k)}' is not a number");
        long L(string k) => long.TryParse(Meta(k), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
            : throw new InvalidDataException($"flow state {prefix}.{k}: '{Meta(k)}' is not an integer");
        return new FlowState<T>(Meta("method"), D("time"), file.Get<T>(prefix + ".y").ToArray(), file.Get<T>(prefix + ".f").ToArray(),
            D("h"), D("fac_old"), L("accepted"), L("rejected"), L("evaluations"));
    }

    private static string Exact(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
