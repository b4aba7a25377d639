using System.Numerics;
using Gradscope.Landscape;
using Gradscope.Random;

namespace Gradscope.Probes;

/// <summary>
/// <c>roughness</c>: the roughness index of the training loss at θ_k (Wu et al. 2021; see
/// <see cref="RoughnessIndex"/>), metric <c>landscape/roughness</c>, along filter-normalised random
/// directions. Wu et al. observe it rising and then falling along gradient-descent paths, so it is
/// recorded on a schedule like the other landscape-shape measurements. The directions of record k come
/// from key.Fold(k): fresh at every record, reproducible from the seed and the step.
/// </summary>
public sealed class RoughnessProbe<T> : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _directions;
    private readonly int _points;
    private readonly double _radius;
    private readonly RngKey _key;

    /// <param name="directions">M, the random directions per record (at least 2).</param>
    /// <param name="points">m + 1, the points on [−radius, radius] per direction (at least 2).</param>
    /// <param name="radius">l, the half-width of the interval along each (filter-normalised) direction.</param>
    /// <param name="key">The probe's key; record k uses key.Fold(k).</param>
    public RoughnessProbe(int directions, int points, double radius, RngKey key)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(directions, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        if (!(radius > 0) || !double.IsFinite(radius))
        {
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "the radius must be positive and finite");
        }
        _directions = directions;
        _points = points;
        _radius = radius;
        _key = key;
    }

    public string Kind => "roughness";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        var r = RoughnessIndex.Compute(ctx.Model, ctx.Loss, ctx.Data.Train, ctx.Params, _key.Fold((ulong)ctx.Step),
            _directions, _points, _radius);
        sink.Write(ctx.Step, ctx.Time, "landscape/roughness", r.Index);
    }
}
