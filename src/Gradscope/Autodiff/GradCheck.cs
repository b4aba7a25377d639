using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Autodiff;

/// <summary>Raised when analytic derivatives disagree with finite differences.</summary>
public sealed class GradCheckException(string message) : Exception(message)
{
    public GradCheckException() : this("gradient check failed")
    {
    }

    public GradCheckException(string message, Exception inner) : this(message + ": " + inner.Message)
    {
    }
}

/// <summary>
/// Finite-difference oracle for derivatives (JAX's <c>check_grads</c>), in float64 with central
/// differences. First order: the gradient of L = ⟨f(x), w⟩ (w a fixed random cotangent, so
/// non-scalar f are covered) against (L(x+εe_j) − L(x−εe_j))/2ε for every coordinate j.
/// Second order: the recorded double-backward ∇ₓ⟨∇ₓL, v⟩ against central differences of the
/// (first-order, analytic) scalar ⟨∇ₓL, v⟩, coordinate by coordinate — this exercises every
/// rule's own differentiability without relying on the symmetry of the Hessian.
/// An entry passes when |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|).
/// </summary>
public static class GradCheck
{
    public sealed record Report(int Order, double MaxAbsError, double MaxRelError, int Checked);

    public static Report[] Check(
        Func<IReadOnlyList<Tensor<double>>, Tensor<double>> f,
        IReadOnlyList<Tensor<double>> inputs,
        int order = 2,
        double eps = 1e-6,
        double rtol = 1e-6,
        double atol = 1e-8,
        ulong seed = 0x5EED)
    {
        var key = RngKey.FromSeed((long)seed);
        var x0 = inputs.Select(t => t.Detach()).ToArray();
        Tensor<double> y0;
        using (GradMode.NoGrad())
        {
            y0 = f(x0);
        }
        var (kw, kv) = key.Split();
        var w = Tensor.Normal<double>(kw, y0.Shape);
        Tensor<double> Loss(IReadOnlyList<Tensor<double>> xs) => Tensor.Dot(f(xs), w);

        var reports = new List<Report> { CheckFirst(Loss, x0, eps, rtol, atol) };
        if (order >= 2)
        {
            var vkeys = kv.Split(x0.Length);
            var v = x0.Select((t, i) => Tensor.Normal<double>(vkeys[i], t.Shape)).ToArray();
            reports.Add(CheckSecond(Loss, x0, v, eps, rtol, atol));
        }
        return [.. reports];
    }

    private static Report CheckFirst(Func<IReadOnlyList<Tensor<double>>, Tensor<double>> loss, Tensor<double>[] x0, double eps, double rtol, double atol)
    {
        var (_, grads) = Grad.ValueAndGrad(loss, x0);
        double Eval(Tensor<double>[] xs)
        {
            using var _ = GradMode.NoGrad();
            return loss(xs).Item();
        }
        return Compare(1, x0, grads, Eval, eps, rtol, atol);
    }

    private static Report CheckSecond(Func<IReadOnlyList<Tensor<double>>, Tensor<double>> loss, Tensor<double>[] x0, Tensor<double>[] v, double eps, double rtol, double atol)
    {
        // Analytic: ∇ₓ⟨∇ₓL, v⟩ through the recorded gradient graph.
        var (_, _, hv) = Grad.Hvp(loss, x0, v);
        double Directional(Tensor<double>[] xs)
        {
            var (_, g) = Grad.ValueAndGrad(loss, xs);
            double s = 0;
            for (int i = 0; i < g.Length; i++)
            {
                s += Tensor.Dot(g[i], v[i]).Item();
            }
            return s;
        }
        return Compare(2, x0, hv, Directional, eps, rtol, atol);
    }

    private static Report Compare(int order, Tensor<double>[] x0, Tensor<double>[] analytic, Func<Tensor<double>[], double> eval, double eps, double rtol, double atol)
    {
        double maxAbs = 0, maxRel = 0;
        int n = 0;
        for (int i = 0; i < x0.Length; i++)
        {
            for (int j = 0; j < x0[i].Size; j++)
            {
                var plus = x0.Select(t => Tensor.FromArray(t.ToArray(), t.Shape)).ToArray();
                var minus = x0.Select(t => Tensor.FromArray(t.ToArray(), t.Shape)).ToArray();
                plus[i].MutableSpan[j] += eps;
                minus[i].MutableSpan[j] -= eps;
                double num = (eval(plus) - eval(minus)) / (2 * eps);
                double an = analytic[i].Span[j];
                double err = Math.Abs(an - num);
                double scale = Math.Max(Math.Abs(an), Math.Abs(num));
                maxAbs = Math.Max(maxAbs, err);
                maxRel = Math.Max(maxRel, scale > 0 ? err / scale : 0);
                n++;
                if (!(err <= atol + rtol * scale))
                {
                    throw new GradCheckException(
                        $"order-{order} derivative mismatch at input {i} ({x0[i].Name ?? Shapes.Format(x0[i].Shape)}), element {j}: " +
                        $"analytic {an:R}, finite difference {num:R}, |error| {err:E3} > atol {atol:E1} + rtol {rtol:E1}·{scale:E3}");
                }
            }
        }
        return new Report(order, maxAbs, maxRel, n);
    }
}
