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
        var result = new Dictionary<Tensor<T>, Tensor<T>>(ReferenceEqualityComparer.Instance);
        if (y.Node is null)
        {
            result[y] = seed;
            return result;
        }
        // Every recorded tensor gets its position in the topological order as an index, and the
        // bookkeeping of the sweep (needed, cotangents) lives in arrays over those indices: one
        // hash lookup per edge instead of several per node (the tape of a small network is
        // otherwise dominated by hashing).
        var index = new Dictionary<Tensor<T>, int>(ReferenceEqualityComparer.Instance);
        var order = TopologicalOrder(y, index);
        int count = order.Count;
        // needed[i]: some target is reachable from order[i] through recorded inputs (or it is a target).
        var needed = new bool[count];
        var isTarget = new bool[count];
        foreach (var t in targets)
        {
            if (t.Node is not null && index.TryGetValue(t, out int ti))
            {
                isTarget[ti] = true;
            }
        }
        var inputIndex = new int[count][];
        for (int i = 0; i < count; i++) // inputs come before outputs in this order
        {
            var inputs = order[i].Node!.Inputs;
            var ix = new int[inputs.Length];
            bool any = isTarget[i];
            for (int j = 0; j < inputs.Length; j++)
            {
                var x = inputs[j];
                if (x.Node is not null)
                {
                    // A recorded input was visited before its consumer, so it has an index.
                    ix[j] = index[x];
                    any |= needed[ix[j]];
                }
                else
                {
                    ix[j] = -1;
                    any |= targets.Contains(x);
                }
            }
            inputIndex[i] = ix;
            needed[i] = any;
        }
        var grads = new Tensor<T>?[count];
        grads[count - 1] = seed; // y is last
        using var mode = createGraph ? GradMode.EnableGrad() : GradMode.NoGrad();
        for (int k = count - 1; k >= 0; k--)
        {
            var g = grads[k];
            if (!needed[k] || g is null)
            {
                continue;
            }
            var t = order[k];
            var node = t.Node!;
            var ix = inputIndex[k];
            var needs = new bool[ix.Length];
            bool any = false;
            for (int i = 0; i < needs.Length; i++)
            {
                needs[i] = ix[i] >= 0 ? needed[ix[i]] : targets.Contains(node.Inputs[i]);
                any |= needs[i];
            }
            if (any)
            {
                var vjps = Rules.Vjp(t, node, g, needs);
                for (int i = 0; i < needs.Length; i++)
                {
                    var gi = vjps[i];
                    if (!needs[i] || gi is null)
                    {
                        continue;
                    }
                    if (ix[i] >= 0)
                    {
                        var prev = grads[ix[i]];
                        grads[ix[i]] = prev is null ? gi : Tensor.Add(prev, gi);
                    }
                    else
                    {
                        var x = node.Inputs[i];
                        result[x] = result.TryGetValue(x, out var prev) ? Tensor.Add(prev, gi) : gi;
                    }
                }
            }
            if (isTarget[k])
            {
                result[t] = g;
            }
            grads[k] = null; // free intermediate cotangents early
        }
        return result;
    }

    /// <summary>Recorded tensors reachable from <paramref name="y"/>, every tensor after its inputs.</summary>
    private static List<Tensor<T>> TopologicalOrder<T>(Tensor<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        TopologicalOrder(y, new Dictionary<Tensor<T>, int>(ReferenceEqualityComparer.Instance));

    /// <summary>As above, filling <paramref name="index"/> with each tensor's position in the order.</summary>
    private static List<Tensor<T>> TopologicalOrder<T>(Tensor<T> y, Dictionary<Tensor<T>, int> index) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var order = new List<Tensor<T>>();
        if (y.Node is null)
        {
            return order;
        }
        // index[t] = -1 while t is on the stack, its position once emitted.
        index[y] = -1;
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
                if (x.Node is not null && index.TryAdd(x, -1))
                {
                    stack.Push((x, 0));
                }
            }
            else
            {
                index[t] = order.Count;
                order.Add(t);
            }
        }
        return order;
    }
}
