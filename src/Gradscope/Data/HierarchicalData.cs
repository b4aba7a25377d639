using System.Numerics;
using Gradscope.Linalg;
using Gradscope.Tensors;

namespace Gradscope.Data;

/// <summary>
/// <c>hierarchical</c>: the items × features dataset of Saxe, McClelland and Ganguli (2019),
/// "A mathematical theory of semantic development in deep neural networks", PNAS 116(23).
/// P = 2^depth items are the leaves of a complete binary tree; each input is a one-hot item
/// (X = I_P, so inputs = samples = P); there is one output feature per tree node, the root
/// included (as in the paper, where a feature such as "grows" applies to every item), so
/// outputs = 2P − 1, and a feature is 1 for the items below its node and 0 otherwise.
/// Nodes are numbered breadth-first: node j of level ℓ (j = 2^ℓ − 1 + p) covers items
/// p·2^(depth−ℓ) … (p+1)·2^(depth−ℓ) − 1.
///
/// Its input–output correlation Σyx = (1/P) YᵀX = Yᵀ/P has the tree's levels as modes: YYᵀ counts
/// the common ancestors of two items, whose eigenvectors are the all-ones vector
/// (eigenvalue 2^(depth+1) − 1) and, for each internal node at level ℓ, +1 on its left subtree and
/// −1 on its right (eigenvalue 2^(depth−ℓ) − 1, multiplicity 2^ℓ). So the singular values of Σyx
/// are √(2^(depth+1) − 1)/P once, then √(2^(depth−ℓ) − 1)/P with multiplicity 2^ℓ for
/// ℓ = 0 … depth − 1: multiplicities 1, 1, 2, 4, …, broad distinctions learned first.
///
/// The teacher is the exact linear map Y = X Aᵀ, A = Yᵀ [2P − 1, P], with its SVD; within a level
/// the singular vectors are any orthonormal basis of the level's subspace. The inputs are not
/// whitened: Σxx = I/P, so Saxe's time constants are those of Σyx = A/P.
/// </summary>
internal static class HierarchicalData
{
    /// <summary>Deepest tree accepted (P = 4096 items, Y 4096 × 8191).</summary>
    public const int MaxDepth = 12;

    public static Dataset<T> Create<T>(OptionGuard g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = g.Options;
        g.OnlyUses("depth", "inputs", "outputs", "samples");
        int depth = g.Positive(o.Depth, "depth");
        if (depth > MaxDepth)
        {
            throw g.Bad("depth", $"must be at most {MaxDepth} (2^{MaxDepth} items), got {depth}");
        }
        int p = 1 << depth, f = 2 * p - 1;
        Expect(g, "inputs", o.Inputs, p, depth);
        Expect(g, "samples", o.Samples, p, depth);
        Expect(g, "outputs", o.Outputs, f, depth);

        double[] y = Features(depth);
        var x = new double[p * p];
        for (int i = 0; i < p; i++)
        {
            x[i * p + i] = 1.0;
        }
        double[] a = DenseKernels.Transpose(y, p, f);
        var (u, s, vt) = Svd.Decompose(a, f, p);
        var teacher = new LinearTeacher(s, Tensor.FromArray(u, f, p), Tensor.FromArray(DenseKernels.Transpose(vt, p, p), p, p), Tensor.FromArray(a, f, p));
        return new Dataset<T>("hierarchical", TaskKind.Regression, new RawSplit(x, p, p, y, f, null).ToSplit<T>(), null, 0, teacher);
    }

    /// <summary>Y [P, 2P − 1]: Y[i, j] = 1 when item i lies under node j (breadth-first numbering, root = 0).</summary>
    internal static double[] Features(int depth)
    {
        int p = 1 << depth, f = 2 * p - 1;
        var y = new double[p * f];
        for (int level = 0; level <= depth; level++)
        {
            int span = 1 << (depth - level);
            for (int pos = 0; pos < 1 << level; pos++)
            {
                int node = (1 << level) - 1 + pos;
                for (int item = pos * span; item < (pos + 1) * span; item++)
                {
                    y[item * f + node] = 1.0;
                }
            }
        }
        return y;
    }

    private static void Expect(OptionGuard g, string key, int? given, int implied, int depth)
    {
        if (given is int v && v != implied)
        {
            throw g.Bad(key, $"is {implied} for a hierarchical dataset of depth {depth} (2^{depth} items, one feature per tree node), got {v}");
        }
    }
}
