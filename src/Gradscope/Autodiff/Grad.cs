using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Autodiff;

/// <summary>
/// Functional entry points of automatic differentiation (JAX-style): gradients, vector-Jacobian
/// and Jacobian-vector products, Hessian-vector products. Functions take a list of tensors
/// (parameters) and are traced once per call.
/// </summary>
public static class Grad
{
    /// <summary>
    /// L(θ) and ∇L(θ) for a scalar function of a list of tensors. Gradients of inputs that do not
    /// influence L are zeros (materialised here only, at the API boundary).
    /// With <paramref name="createGraph"/> the gradients are differentiable.
    /// </summary>
    public static (Tensor<T> Value, Tensor<T>[] Gradients) ValueAndGrad<T>(
        Func<IReadOnlyList<Tensor<T>>, Tensor<T>> f, IReadOnlyList<Tensor<T>> inputs, bool createGraph = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xs = Track(inputs, keepGraph: createGraph);
        Tensor<T> y;
        using (GradMode.EnableGrad())
        {
            y = f(xs);
        }
        var gs = Backprop.Grad(y, xs, null, createGraph);
        return (createGraph ? y : y.Detach(), Materialise(gs, xs));
    }

    /// <summary>Gradients of a scalar <paramref name="y"/> already computed from <paramref name="wrt"/>; null = zero (not materialised).</summary>
    public static Tensor<T>?[] Of<T>(Tensor<T> y, IReadOnlyList<Tensor<T>> wrt, Tensor<T>? seed = null, bool createGraph = false)
        where T : unmanaged, IFloatingPointIeee754<T> => Backprop.Grad(y, wrt, seed, createGraph);

    /// <summary>Vector-Jacobian product uᵀJ of y = f(x): returns (y, Jᵀu for each input).</summary>
    public static (Tensor<T> Output, Tensor<T>[] Vjp) Vjp<T>(
        Func<IReadOnlyList<Tensor<T>>, Tensor<T>> f, IReadOnlyList<Tensor<T>> inputs, Tensor<T> cotangent, bool createGraph = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xs = Track(inputs, keepGraph: createGraph);
        Tensor<T> y;
        using (GradMode.EnableGrad())
        {
            y = f(xs);
        }
        var gs = Backprop.Grad(y, xs, cotangent, createGraph);
        return (createGraph ? y : y.Detach(), Materialise(gs, xs));
    }

    /// <summary>
    /// Jacobian-vector product J·v of y = f(x) by the double-VJP construction (no separate forward
    /// mode): for a dummy cotangent u, g(u) = Jᵀu is linear in u, so ⟨g(u), v⟩ = uᵀ(Jv) and its
    /// gradient with respect to u is exactly Jv. Costs about two reverse passes; exact to rounding.
    /// </summary>
    public static (Tensor<T> Output, Tensor<T> Jvp) Jvp<T>(
        Func<IReadOnlyList<Tensor<T>>, Tensor<T>> f, IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> tangents)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckTangents("jvp", inputs, tangents);
        var xs = Track(inputs, keepGraph: true);
        using var mode = GradMode.EnableGrad();
        var y = f(xs);
        var u = Tensor.Zeros<T>(y.Shape).RequireGrad();
        var g = Backprop.Grad(y, xs, u, createGraph: true);
        Tensor<T>? s = null;
        for (int i = 0; i < xs.Length; i++)
        {
            if (g[i] is { } gi)
            {
                var term = Tensor.Dot(gi, tangents[i].Detach());
                s = s is null ? term : Tensor.Add(s, term);
            }
        }
        Tensor<T>? jv = s is null ? null : Backprop.Grad(s, [u], null, createGraph: false)[0];
        return (y.Detach(), jv?.Detach() ?? Tensor.Zeros<T>(y.Shape));
    }

    /// <summary>
    /// Hessian-vector product H·v of a scalar L(θ) (Pearlmutter 1994) by reverse-over-reverse:
    /// ∇θ ⟨∇θ L, v⟩. Returns L, ∇L and Hv.
    /// </summary>
    public static (Tensor<T> Value, Tensor<T>[] Gradients, Tensor<T>[] Hvp) Hvp<T>(
        Func<IReadOnlyList<Tensor<T>>, Tensor<T>> f, IReadOnlyList<Tensor<T>> inputs, IReadOnlyList<Tensor<T>> v)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckTangents("hvp", inputs, v);
        var xs = Track(inputs, keepGraph: true);
        using var mode = GradMode.EnableGrad();
        var y = f(xs);
        var g = Backprop.Grad(y, xs, null, createGraph: true);
        Tensor<T>? s = null;
        for (int i = 0; i < xs.Length; i++)
        {
            if (g[i] is { } gi)
            {
                var term = Tensor.Dot(gi, v[i].Detach());
                s = s is null ? term : Tensor.Add(s, term);
            }
        }
        var hv = s is null || !s.RequiresGrad ? new Tensor<T>?[xs.Length] : Backprop.Grad(s, xs, null, createGraph: false);
        var grads = Materialise(g, xs);
        for (int i = 0; i < grads.Length; i++)
        {
            grads[i] = grads[i].Detach();
        }
        return (y.Detach(), grads, Materialise(hv, xs));
    }

    /// <summary>Fresh leaves sharing the inputs' values, so the caller's tensors are never mutated.</summary>
    private static Tensor<T>[] Track<T>(IReadOnlyList<Tensor<T>> inputs, bool keepGraph) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xs = new Tensor<T>[inputs.Count];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = keepGraph && inputs[i].RequiresGrad ? inputs[i] : inputs[i].Detach().RequireGrad();
            xs[i].Name ??= inputs[i].Name;
        }
        return xs;
    }

    private static Tensor<T>[] Materialise<T>(Tensor<T>?[] gs, Tensor<T>[] xs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = new Tensor<T>[gs.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = gs[i] ?? Tensor.ZerosLike(xs[i]);
        }
        return r;
    }

    private static void CheckTangents<T>(string op, IReadOnlyList<Tensor<T>> xs, IReadOnlyList<Tensor<T>> vs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (xs.Count != vs.Count)
        {
            throw new TensorShapeException($"{op}: {vs.Count} tangent tensors for {xs.Count} inputs");
        }
        for (int i = 0; i < xs.Count; i++)
        {
            if (!Shapes.Equal(xs[i].Shape, vs[i].Shape))
            {
                throw new TensorShapeException($"{op}: tangent {i} has shape {Shapes.Format(vs[i].Shape)}, input has {Shapes.Format(xs[i].Shape)}");
            }
        }
    }
}
