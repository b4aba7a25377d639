using System.Diagnostics;
using System.Numerics;
using Gradscope.Curvature;
using Gradscope.Lab.Spec;
using Gradscope.Random;
using Gradscope.Tensors;
using Gradscope.Training;

namespace Gradscope.Lab;

/// <summary>What <c>gradscope hessian</c> computes at a checkpoint.</summary>
/// <param name="Top">How many of the largest eigenvalues.</param>
/// <param name="Trace">Also tr(H): Hutchinson with <paramref name="TraceVectors"/> Rademacher vectors (exact: the diagonal's sum).</param>
/// <param name="Density">Also the eigenvalue density (stochastic Lanczos quadrature; exact: the eigenvalues broadened).</param>
/// <param name="Exact">Assemble the dense Hessian and diagonalise it (models up to <see cref="DenseHessian.MaxParameters"/> parameters).</param>
/// <param name="Tolerance">Lanczos residual tolerance ‖Hv − λv‖ ≤ tol·|λ|.</param>
public sealed record HessianRequest(int Top = 5, bool Trace = false, bool Density = false, bool Exact = false,
    double Tolerance = 1e-8, int TraceVectors = 200, int DensityVectors = 10, int LanczosSteps = 80, int DensityPoints = 400, long Seed = 0);

/// <summary>The answer: eigenvalues descending, residuals (Lanczos) and the cost in Hessian-vector products.</summary>
public sealed record HessianResult(long Step, int Parameters, int Samples, string Method, double[] Eigenvalues, double[] Residuals, long Hvps,
    double? Trace, double? TraceStdErr, double[]? Grid, double[]? Density, double Seconds);

/// <summary>
/// Curvature of a stored checkpoint: rebuilds the run's data and model from its spec, reads θ at the
/// step, and measures the Hessian of the mean training loss (all training samples) there.
/// </summary>
public static class HessianAnalysis
{
    public static HessianResult Analyse(ExperimentSpec spec, string checkpointPath, HessianRequest request) =>
        spec.DType == DType.Float32 ? Analyse<float>(spec, checkpointPath, request) : Analyse<double>(spec, checkpointPath, request);

    private static HessianResult Analyse<T>(ExperimentSpec spec, string checkpointPath, HessianRequest q) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var exp = ExperimentBuilder.Build<T>(spec);
        var state = TrainingState<T>.FromFile(SafeTensorFile.Load(checkpointPath), exp.Model, exp.OptimizerTemplate);
        int p = exp.Model.ParameterCount;
        if (q.Exact && p > DenseHessian.MaxParameters)
        {
            throw new BadInputException($"--exact: the model has {p} parameters, more than the {DenseHessian.MaxParameters} a dense Hessian is built for; omit --exact to use Lanczos (top eigenvalues), Hutchinson (--trace) and SLQ (--density)");
        }
        if (q.Top > p)
        {
            throw new BadInputException($"--top: {q.Top} eigenvalues asked of a model with {p} parameters");
        }
        var key = RngKey.FromSeed(q.Seed);
        var sw = Stopwatch.StartNew();
        var op = new HessianOperator<T>(exp.Model, spec.Loss, exp.Data.Train.X, exp.Data.Train.Y, state.Params);
        var n = exp.Data.Train.X.Shape[0];
        if (q.Exact)
        {
            var h = DenseHessian.Compute(op);
            var (values, _) = DenseHessian.Eigen(h, p);
            double? trace = q.Trace ? Enumerable.Range(0, p).Sum(i => h[(long)i * p + i]) : null;
            double[]? grid = null, density = null;
            if (q.Density)
            {
                (grid, density) = SpectralDensity.OfEigenvalues(values).Broadened(q.DensityPoints);
            }
            return new HessianResult(state.Step, p, n, "exact", values.Take(q.Top).ToArray(), new double[Math.Min(q.Top, p)], op.Applications,
                trace, q.Trace ? 0.0 : null, grid, density, sw.Elapsed.TotalSeconds);
        }
        var top = Lanczos.Top(op, q.Top, new LanczosOptions { Tolerance = q.Tolerance, MaxIterations = Math.Max(300, 4 * q.Top), Seed = key.Fold(1).Value });
        TraceEstimate? tr = q.Trace ? HutchinsonTrace.Estimate(op, q.TraceVectors, key.Fold(2)) : null;
        double[]? g = null, d = null;
        if (q.Density)
        {
            (g, d) = StochasticLanczosQuadrature.Estimate(op, q.DensityVectors, Math.Min(q.LanczosSteps, p), key.Fold(3)).Broadened(q.DensityPoints);
        }
        return new HessianResult(state.Step, p, n, "lanczos", top.Values, top.Residuals, op.Applications,
            tr?.Trace, tr?.StdErr, g, d, sw.Elapsed.TotalSeconds);
    }
}
