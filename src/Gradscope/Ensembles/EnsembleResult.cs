using System.Numerics;
using Gradscope.Nn;
using Gradscope.Training;

namespace Gradscope.Ensembles;

/// <summary>
/// How one replica of a batch ended — the fields of the solo run's <see cref="TrainResult"/> plus its
/// final parameters (θ at <see cref="Steps"/>: the last point, or the point whose loss diverged).
/// </summary>
public sealed record EnsembleResult<T>(RunOutcome Outcome, long Steps, double Time, double LastLoss, ParamSet<T> Parameters, string? Message)
    where T : unmanaged, IFloatingPointIeee754<T>;
