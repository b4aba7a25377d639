using System.Globalization;

namespace Gradscope.Theory;

/// <summary>
/// The largest sharpness λ (top Hessian eigenvalue) at which an optimiser with learning rate η is
/// stable on the quadratic L(θ) = ½ θᵀHθ — the "edge of stability" lines of Cohen et al. 2021
/// ("Gradient descent on neural networks typically occurs at the edge of stability") and Cohen et
/// al. 2022 ("Adaptive gradient methods at the edge of stability"). Along an eigenvector of H with
/// eigenvalue λ every method below is a linear recurrence in a = ηλ; it is stable while the
/// spectral radius of its companion matrix is below 1, and in every case the eigenvalue that leaves
/// the unit disc does so through z = −1 (the iterate flips sign every step), so the threshold is
/// the root of p(−1) = 0 for the characteristic polynomial p (p(1) is a positive multiple of a and
/// |p(0)| &lt; 1 below the threshold for β &lt; 1, so the other Jury conditions hold):
/// <code>
/// gd        θ ← θ − a θ                                   z = 1 − a                 a &lt; 2
/// momentum  v ← β v + g; θ ← θ − η v  (PyTorch SGD)       z² − (1 + β − a) z + β    a &lt; 2 + 2β
/// nesterov  v ← β v + g; θ ← θ − η (g + β v)  (PyTorch)   z² − (1 + β − (1+β) a) z + β(1 − a)
///                                                                                   a &lt; (2 + 2β)/(1 + 2β)
/// adam      m ← β1 m + (1−β1) g; θ ← θ − η P⁻¹ m  (P frozen)
///                                                         z² − (1 + β1 − (1−β1) a) z + β1
///                                                                                   a &lt; (2 + 2β1)/(1 − β1)
/// </code>
/// These are the conventions of <see cref="Optim.Trace{T}"/> (PyTorch's buffer v ← μv + g, no
/// dampening; Nesterov direction g + μv after the buffer update) and
/// <see cref="Optim.ScaleByAdam{T}"/> (EMA first moment). For Adam, λ is the top eigenvalue of the
/// <em>preconditioned</em> Hessian P⁻¹H with P = diag(sqrt(v̂) + ε) held fixed (Cohen et al. 2022
/// §3): EMA momentum is heavy-ball momentum with step η(1 − β1), hence (2 + 2β1)/((1 − β1)η),
/// 38/η at β1 = 0.9. Adam's bias correction 1/(1 − β1^t) tends to 1 and does not move the
/// threshold. Coupled weight decay wd adds wd·I to H, so the thresholds then bound the sharpness of
/// the regularised loss; AdamW's decoupled decay is ignored. A learning rate of 0 (where a schedule
/// starts or ends) gives +∞; a negative, NaN or infinite one throws.
/// </summary>
public static class StabilityThresholds
{
    /// <summary>Gradient descent: 2/η (Cohen et al. 2021).</summary>
    public static double Gd(double lr)
    {
        CheckLr(lr);
        return 2 / lr;
    }

    /// <summary>Heavy-ball momentum in PyTorch's convention (v ← βv + g, θ ← θ − ηv): (2 + 2β)/η.</summary>
    public static double HeavyBall(double lr, double beta)
    {
        CheckLr(lr);
        CheckBeta(beta, nameof(beta));
        return (2 + 2 * beta) / lr;
    }

    /// <summary>Nesterov momentum in PyTorch's convention (v ← βv + g, θ ← θ − η(g + βv)): (2 + 2β)/((1 + 2β)η).</summary>
    public static double Nesterov(double lr, double beta)
    {
        CheckLr(lr);
        CheckBeta(beta, nameof(beta));
        return (2 + 2 * beta) / ((1 + 2 * beta) * lr);
    }

    /// <summary>
    /// Adam with a frozen preconditioner P: (2 + 2β1)/((1 − β1)η), a bound on λ_max(P⁻¹H), not on
    /// λ_max(H) (38/η for β1 = 0.9; Cohen et al. 2022).
    /// </summary>
    public static double Adam(double lr, double beta1)
    {
        CheckLr(lr);
        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must lie in [0, 1)");
        }
        return (2 + 2 * beta1) / ((1 - beta1) * lr);
    }

    /// <summary>
    /// The threshold for an optimiser kind of <see cref="Optim.Optimizers"/>, or null where there is
    /// none of this form ("flow": gradient flow is stable at any sharpness; "adagrad": its
    /// preconditioner only grows, so the effective step keeps shrinking). <paramref name="momentum"/>
    /// is used by momentum, nesterov and rmsprop (pass the resolved value: PyTorch's default is 0.9
    /// for momentum/nesterov and 0 for rmsprop), <paramref name="beta1"/> by adam/adamw.
    /// rmsprop: with its preconditioner P = diag(sqrt(v) + ε) frozen, RMSprop is gradient descent on
    /// P⁻¹H, so the bound is 2/η on the preconditioned sharpness λ_max(P⁻¹H); with momentum μ its
    /// buffer b ← μb + P⁻¹g is heavy-ball momentum on P⁻¹H, giving (2 + 2μ)/η.
    /// Also null for momentum ≥ 1 with a kind that uses it (no step size is stable).
    /// </summary>
    public static double? For(string optimizerKind, double lr, double momentum = 0, double beta1 = 0.9) => optimizerKind switch
    {
        "momentum" or "nesterov" or "rmsprop" when momentum >= 1 => null,
        "gd" or "sgd" => Gd(lr),
        "momentum" => HeavyBall(lr, momentum),
        "nesterov" => Nesterov(lr, momentum),
        "adam" or "adamw" => Adam(lr, beta1),
        "rmsprop" => HeavyBall(lr, momentum),
        _ => null,
    };

    /// <summary>
    /// The threshold times η, i.e. the numerator c of c/η (2 for gd, 38 for adam with β1 = 0.9), or
    /// null where <see cref="For"/> is null.
    /// </summary>
    public static double? Coefficient(string optimizerKind, double momentum = 0, double beta1 = 0.9) =>
        For(optimizerKind, 1.0, momentum, beta1);

    /// <summary>
    /// Legend text for the threshold line, e.g. "2/η", "3.8/η", "38/η" (four significant digits at
    /// most), or null where <see cref="For"/> is null.
    /// </summary>
    public static string? Label(string optimizerKind, double momentum = 0, double beta1 = 0.9) =>
        Coefficient(optimizerKind, momentum, beta1) is { } c
            ? c.ToString("G4", CultureInfo.InvariantCulture) + "/η"
            : null;

    /// <summary>
    /// True when the threshold bounds the preconditioned sharpness λ_max(P⁻¹H) rather than λ_max(H)
    /// (adam, adamw, rmsprop).
    /// </summary>
    public static bool IsPreconditioned(string optimizerKind) => optimizerKind is "adam" or "adamw" or "rmsprop";

    // lr = 0 is allowed (a schedule may reach it): every threshold is then +∞, nothing is unstable.
    private static void CheckLr(double lr)
    {
        if (!(lr >= 0) || double.IsInfinity(lr))
        {
            throw new ArgumentOutOfRangeException(nameof(lr), lr, "lr must be >= 0 and finite");
        }
    }

    private static void CheckBeta(double beta, string name)
    {
        // β ≥ 1: the companion matrix has determinant β (heavy ball) and no step size is stable.
        if (!(beta >= 0 && beta < 1))
        {
            throw new ArgumentOutOfRangeException(name, beta, "momentum must lie in [0, 1) (no step size is stable for momentum >= 1)");
        }
    }
}
