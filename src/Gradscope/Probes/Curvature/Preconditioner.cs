using System.Numerics;
using Gradscope.Optim;
using Gradscope.Theory;

namespace Gradscope.Probes.Curvature;

/// <summary>
/// The diagonal preconditioner P of an adaptive optimiser at its current state, written so that
/// its update is θ ← θ − η P⁻¹ m with m the (un-corrected) momentum average (Cohen et al. 2022,
/// "Adaptive gradient methods at the edge of stability", §2):
/// <list type="bullet">
/// <item>Adam/AdamW (PyTorch): θ ← θ − (η/(1−β₁ᵗ))·m/(sqrt(v/(1−β₂ᵗ)) + ε), so P = (1−β₁ᵗ)·(sqrt(v̂) + ε);
/// threshold on λ_max(P⁻¹H) = (2 + 2β₁)/((1 − β₁)η) (= 38/η at β₁ = 0.9).</item>
/// <item>RMSprop: P = sqrt(v) + ε; threshold 2/η, or (2 + 2μ)/η with momentum μ (heavy ball on the preconditioned problem).</item>
/// </list>
/// The eigenvalues of P⁻¹H equal those of P^{-1/2} H P^{-1/2}, which is symmetric — Lanczos runs on that.
/// </summary>
public sealed record Preconditioner(double[] InverseSqrt, double Threshold)
{
    /// <summary>The preconditioner inside <paramref name="opt"/>'s chain, or null when it has none or has taken no step (t = 0: v = 0).</summary>
    public static Preconditioner? Find<T>(GradientTransformation<T> opt, OptimizerState<T> state, double lr) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (opt, state)
        {
            case (Chain<T> c, ChainState<T> cs):
                for (int i = 0; i < c.Transforms.Count && i < cs.Inner.Count; i++)
                {
                    if (Find(c.Transforms[i], cs.Inner[i], lr) is { } p)
                    {
                        return p;
                    }
                }
                return null;
            case (ScaleByAdam<T> a, AdamState<T> s) when s.Count > 0:
            {
                double bc1 = 1 - Math.Pow(a.Beta1, s.Count), bc2 = 1 - Math.Pow(a.Beta2, s.Count);
                return new(InverseSqrtOf(s.ExpAvgSq, v => bc1 * (Math.Sqrt(v / bc2) + a.Eps)), Usable(lr) ? StabilityThresholds.Adam(lr, a.Beta1) : double.NaN);
            }
            case (ScaleByRms<T> r, RmsPropState<T> s):
            {
                var inv = InverseSqrtOf(s.SquareAvg, v => Math.Sqrt(v) + r.Eps);
                return inv.Any(double.IsInfinity) ? null : new(inv, !Usable(lr) ? double.NaN : r.Momentum > 0 ? StabilityThresholds.HeavyBall(lr, r.Momentum) : StabilityThresholds.Gd(lr));
            }
            default:
                return null;
        }
    }

    /// <summary>The final record has no step after it (η = NaN), and a warm-up may start at η = 0: no threshold then.</summary>
    private static bool Usable(double lr) => double.IsFinite(lr) && lr > 0;

    private static double[] InverseSqrtOf<T>(IReadOnlyList<Gradscope.Tensors.Tensor<T>> v, Func<double, double> p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new double[v.Sum(t => t.Size)];
        int o = 0;
        foreach (var t in v)
        {
            foreach (var x in t.Span)
            {
                r[o++] = 1 / Math.Sqrt(p(double.CreateTruncating(x)));
            }
        }
        return r;
    }
}
