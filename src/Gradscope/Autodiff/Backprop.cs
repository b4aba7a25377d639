using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Autodiff;

/// <summary>
/// Reverse-mode accumulation over the recorded graph. Gradients are propagated only along paths
/// that reach a requested tensor, and an input whose gradient would be zero by construction is
/// skipped rather than materialised (JAX's symbolic zero): a null gradient means zero.
/// With <c>createGraph</c> the rules run with recording on, so the gradients are themselves
/// differentiable (Hessian-vector products, gradient penalties).
/// </summary>
internal static class Backprop
{
    /// <summary>d(y·seed)/d(wrt[i]) for each i; null where wrt[i] does not influence y.</summary>
    public static Tensor<T>?[] Grad<T>(Tensor<T> y, IReadOnlyList<Tensor<T>> wrt, Tensor<T>? seed, bool createGraph)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        seed ??= DefaultSeed(y);
        if (!Shapes.Equal(seed.Shape, y.Shape))
        {
            throw new TensorShapeException($"grad: seed of shape {Shapes.Format(seed.Shape)} does not match output {Shapes.Format(y.Shape)}");
        }
        var targets = new HashSet<Tensor<T>>(wrt, ReferenceEqualityComparer.Instance);
        var grads = Run(y, seed, targets, createGraph);
        var result = new Tensor<T>?[wrt.Count];
        for (int i = 0; i < wrt.Count; i++)
        {
            result[i] = grads.GetValueOrDefault(wrt[i]);
        }
        return result;
    }

    /// <summary>PyTorch-style <c>backward()</c>: accumulates into <see cref="Tensor{T}.Grad"/> of every reachable leaf that requires it.</summary>
    public static void BackwardToLeaves<T>(Tensor<T> y, Tensor<T>? seed, bool createGraph) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!y.RequiresGrad)
        {
            throw new InvalidOperationException("backward: the tensor does not require grad (no input of its computation requires grad, or it was computed under NoGrad)");
        }
        seed ??= DefaultSeed(y);
        var leaves = new HashSet<Tensor<T>>(ReferenceEqualityComparer.Instance);
        foreach (var t in TopologicalOrder(y))
        {
            foreach (var x in t.Node!.Inputs)
            {
                if (x.Node is null && x.RequiresGrad)
                {
                    leaves.Add(x);
                }
            }
        }
        if (y.Node is null)
        {
            leaves.Add(y);
        }
        var grads = Run(y, seed, leaves, createGraph);
        foreach (var leaf in leaves)
        {
            if (grads.TryGetValue(leaf, out var g))
            {
                leaf.Grad = leaf.Grad is null ? (createGraph ? g : g.Detach()) : Tensor.Add(leaf.Grad, g);
            }
        }
    }

    private static Tensor<T> DefaultSeed<T>(Tensor<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Size != 1)
        {
            throw new TensorShapeException($"grad: output of shape {Shapes.Format(y.Shape)} is not a scalar; pass a seed (cotangent) of the same shape");
        }
        return Tensor.Ones<T>(y.Shape);
    }

    private static Dictionary<Tensor<T>, Tensor<T>> Run<T>(Tensor<T> y, Tensor<T> seed, HashSet<Tensor<T>> targets, bool createGraph)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var grads = new Dictionary<Tensor<T>, Tensor<T>>(ReferenceEqualityComparer.Instance) { [y] = seed };
        if (y.Node is null)
        {
            return grads;
        }
        var order = TopologicalOrder(y);
        // needed[t]: some target is reachable from t through recorded inputs (or t is a target).
        var needed = new HashSet<Tensor<T>>(ReferenceEqualityComparer.Instance);
        foreach (var t in targets)
        {
            if (t.Node is null)
            {
                needed.Add(t);
            }
        }
        foreach (var t in order) // inputs come before outputs in this order
        {
            if (targets.Contains(t))
            {
                needed.Add(t);
                continue;
            }
            foreach (var x in t.Node!.Inputs)
            {
                if (needed.Contains(x))
                {
                    needed.Add(t);
                    break;
                }
            }
        }
        using var mode = createGraph ? GradMode.EnableGrad() : GradMode.NoGrad();
        for (int k = order.Count - 1; k >= 0; k--)
        {
            var t = order[k];
            if (!needed.Contains(t) || !grads.TryGetValue(t, out var g))
            {
                continue;
            }
            var node = t.Node!;
            var needs = new bool[node.Inputs.Length];
            bool any = false;
            for (int i = 0; i < needs.Length; i++)
            {
                needs[i] = needed.Contains(node.Inputs[i]);
                any |= needs[i];
            }
            if (!any)
            {
                continue;
            }
            var vjps = Rules.Vjp(t, node, g, needs);
            for (int i = 0; i < needs.Length; i++)
            {
                var gi = vjps[i];
                if (!needs[i] || gi is null)
                {
                    continue;
                }
                var x = node.Inputs[i];
                grads[x] = grads.TryGetValue(x, out var prev) ? Tensor.Add(prev, gi) : gi;
            }
            if (!targets.Contains(t))
            {
                grads.Remove(t); // free intermediate cotangents early
            }
        }
        return grads;
    }

    /// <summary>Recorded tensors reachable from <paramref name="y"/>, every tensor after its inputs.</summary>
    private static List<Tensor<T>> TopologicalOrder<T>(Tensor<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var order = new List<Tensor<T>>();
        if (y.Node is null)
        {
            return order;
        }
        var visited = new HashSet<Tensor<T>>(ReferenceEqualityComparer.Instance) { y };
        var stack = new Stack<(Tensor<T> T, int Next)>();
        stack.Push((y, 0));
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.Node!.Inputs;
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var x = inputs[next];
                if (x.Node is not null && visited.Add(x))
                {
                    stack.Push((x, 0));
                }
            }
            else
            {
                order.Add(t);
            }
        }
        return order;
    }
}
