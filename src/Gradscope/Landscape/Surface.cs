using System.Numerics;
using Gradscope.Data;
using Gradscope.Losses;
using Gradscope.Nn;

namespace Gradscope.Landscape;

/// <summary>
/// Loss landscapes on grids: 2-D slices L(θ + αδ + βη) and 1-D slices L(θ + αδ) (Li et al. 2018,
/// "Visualizing the Loss Landscape of Neural Nets", NeurIPS), and the linear path between two
/// solutions (Goodfellow, Vinyals &amp; Saxe 2015, "Qualitatively characterizing neural network
/// optimization problems", ICLR).
/// </summary>
/// <remarks>
/// Points are evaluated in parallel (up to <c>threads</c>, default <see cref="Environment.ProcessorCount"/>),
/// each in its own <see cref="Tensors.TensorArena"/> scope and without gradient recording, and each
/// finished point is handed to <c>onPoint</c> at once — under a lock, in completion order — so a caller
/// can stream it to a store and a killed run loses at most the points in flight. Points listed in
/// <c>done</c> are skipped (resume). A point's value is a function of its coordinates only: it does not
/// depend on the thread count or on the order of evaluation (bitwise).
/// Points are taken row by row (β outer, α fastest), as the reference implementation iterates.
/// </remarks>
public static class Surface
{
    /// <summary>
    /// The grid L(θ + α_i δ + β_j η) for α on <paramref name="alpha"/> and β on <paramref name="beta"/>;
    /// with <paramref name="dy"/> and <paramref name="beta"/> both null, the 1-D slice L(θ + α_i δ) (J = 0, Beta = 0).
    /// The parameters are formed as ((θ + α·δ) + β·η) in T, term by term (a zero coefficient skips its term,
    /// so α = β = 0 is exactly θ and gives exactly L(θ)).
    /// </summary>
    /// <param name="mode">See <see cref="ForwardMode"/>: by default an MLP's first layer is factored across the grid.</param>
    public static void Evaluate<T>(Model model, LossKind loss, DataSplit<T> train, DataSplit<T>? test, ParamSet<T> center,
        ParamSet<T> dx, ParamSet<T>? dy, GridAxis alpha, GridAxis? beta, Action<SurfacePoint> onPoint,
        IReadOnlySet<(int I, int J)>? done = null, int? threads = null, CancellationToken cancel = default, ForwardMode mode = ForwardMode.Auto)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(alpha);
        ArgumentNullException.ThrowIfNull(onPoint);
        if ((dy is null) != (beta is null))
        {
            throw new ArgumentException(dy is null
                ? "a β axis was given without a second direction dy"
                : "a second direction dy was given without a β axis");
        }
        var evaluator = new LandscapeEvaluator<T>(model, loss, train, test, mode);
        var basis = new List<BasisVector<T>>
        {
            evaluator.Prepare(center, nameof(center)),
            evaluator.Prepare(dx, nameof(dx)),
        };
        if (dy is not null)
        {
            basis.Add(evaluator.Prepare(dy, nameof(dy)));
        }
        int nb = beta?.Points ?? 1;
        var todo = new List<(int I, int J)>(alpha.Points * nb);
        for (int j = 0; j < nb; j++)
        {
            for (int i = 0; i < alpha.Points; i++)
            {
                if (done is null || !done.Contains((i, j)))
                {
                    todo.Add((i, j));
                }
            }
        }
        Run(evaluator, basis, todo, onPoint, threads, cancel, (i, j) =>
        {
            double a = alpha[i], b = beta is null ? 0 : beta[j];
            return (a, b, beta is null ? [1, a] : [1, a, b]);
        });
    }

    /// <summary>
    /// The linear path θ(α) = (1 − α)·θ₀ + α·θ₁ (Goodfellow et al. 2015) for α on <paramref name="alpha"/>
    /// (e.g. <c>-0.5:1.5:41</c>, to see beyond both ends): training (and test) loss along the path,
    /// whose monotone decrease or barrier tells whether the two solutions are linearly connected.
    /// The parameters are formed as (1 − α)·θ₀ + α·θ₁ in T, so α = 0 and α = 1 give exactly θ₀ and θ₁.
    /// Points have J = 0 and Beta = 0.
    /// </summary>
    public static void Interpolate<T>(Model model, LossKind loss, DataSplit<T> train, DataSplit<T>? test, ParamSet<T> from, ParamSet<T> to,
        GridAxis alpha, Action<SurfacePoint> onPoint, IReadOnlySet<(int I, int J)>? done = null, int? threads = null,
        CancellationToken cancel = default, ForwardMode mode = ForwardMode.Auto)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(alpha);
        ArgumentNullException.ThrowIfNull(onPoint);
        var evaluator = new LandscapeEvaluator<T>(model, loss, train, test, mode);
        var basis = new List<BasisVector<T>> { evaluator.Prepare(from, nameof(from)), evaluator.Prepare(to, nameof(to)) };
        var todo = new List<(int I, int J)>(alpha.Points);
        for (int i = 0; i < alpha.Points; i++)
        {
            if (done is null || !done.Contains((i, 0)))
            {
                todo.Add((i, 0));
            }
        }
        Run(evaluator, basis, todo, onPoint, threads, cancel, (i, _) =>
        {
            double a = alpha[i];
            return (a, 0, [1 - a, a]);
        });
    }

    private static void Run<T>(LandscapeEvaluator<T> evaluator, List<BasisVector<T>> basis, List<(int I, int J)> todo,
        Action<SurfacePoint> onPoint, int? threads, CancellationToken cancel, Func<int, int, (double Alpha, double Beta, double[] Coefficients)> at)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gate = new object();
        ParallelPoints.Run(todo.Count, ParallelPoints.Resolve(threads), evaluator.CreateWorker, (worker, k) =>
        {
            var (i, j) = todo[k];
            var (a, b, c) = at(i, j);
            var v = worker.Evaluate(basis, c);
            var point = new SurfacePoint(i, j, a, b, v.Loss, v.TestLoss, v.Accuracy) { TestAccuracy = v.TestAccuracy };
            lock (gate)
            {
                onPoint(point);
            }
        }, cancel);
    }
}
