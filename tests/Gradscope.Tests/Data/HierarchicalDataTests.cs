using Gradscope.Data;
using Gradscope.Linalg;
using Gradscope.Random;
using static Gradscope.Tests.Data.DataTestUtil;

namespace Gradscope.Tests.Data;

public class HierarchicalDataTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void FeaturesFollowTheTree(int depth)
    {
        var d = DatasetFactory.Create<double>(new DataOptions { Kind = "hierarchical", Depth = depth }, RngKey.FromSeed(0));
        int p = 1 << depth, f = 2 * p - 1;
        Assert.Equal([p, p], d.Train.X.Shape);
        Assert.Equal([p, f], d.Train.Y.Shape);
        Assert.True(MaxAbsDiffFromIdentity(M(d.Train.X)) == 0);
        var y = M(d.Train.Y);
        // Node j of level ℓ (breadth-first) holds the 2^(depth-ℓ) consecutive items below it.
        for (int level = 0; level <= depth; level++)
        {
            for (int pos = 0; pos < 1 << level; pos++)
            {
                int node = (1 << level) - 1 + pos, span = p >> level;
                for (int item = 0; item < p; item++)
                {
                    Assert.Equal(item / span == pos ? 1.0 : 0.0, y[item, node]);
                }
            }
        }
        // The teacher reproduces the targets: Y = X Aᵀ.
        Assert.True(MaxAbsDiff(ABt(M(d.Train.X), M(d.Teacher!.Matrix)), y) < 1e-12);
    }

    /// <summary>
    /// Σyx = Yᵀ/P has singular values √(2^(depth+1) − 1)/P (once) and √(2^(depth−ℓ) − 1)/P with
    /// multiplicity 2^ℓ, ℓ = 0..depth−1: the levels of the tree (Saxe et al. 2019). Reference:
    /// YYᵀ[i, j] counts the common ancestors of items i and j; its eigenvectors are the constant
    /// vector and the ±1 "left minus right subtree" vectors of each internal node.
    /// </summary>
    [Fact]
    public void InputOutputCorrelationModesAreTheTreeLevels()
    {
        const int depth = 4;
        int p = 1 << depth, f = 2 * p - 1;
        var d = DatasetFactory.Create<double>(new DataOptions { Kind = "hierarchical", Depth = depth }, RngKey.FromSeed(0));
        var y = M(d.Train.Y);
        var sigma = new double[f * p];
        for (int i = 0; i < f; i++)
        {
            for (int j = 0; j < p; j++)
            {
                sigma[i * p + j] = y[j, i] / p;   // Σyx = (1/P) Yᵀ X with X = I
            }
        }
        double[] sv = Svd.SingularValues(sigma, f, p);
        var expected = new List<double> { Math.Sqrt((1 << (depth + 1)) - 1) / p };
        for (int level = 0; level < depth; level++)
        {
            expected.AddRange(Enumerable.Repeat(Math.Sqrt((1 << (depth - level)) - 1) / p, 1 << level));
        }
        Assert.Equal(p, expected.Count);
        for (int i = 0; i < p; i++)
        {
            Assert.Equal(expected[i], sv[i], 1e-12);
        }
        // Multiplicities 1, 1, 2, 4, 8 from grouping the computed values.
        var groups = sv.GroupBy(v => Math.Round(v * 1e9)).Select(g => g.Count()).ToArray();
        Assert.Equal([1, 1, 2, 4, 8], groups);

        // The Haar vector of each internal node is an eigenvector of YYᵀ with eigenvalue 2^(depth−ℓ) − 1.
        var yyt = ABt(y, y);
        for (int level = 0; level < depth; level++)
        {
            int span = p >> level;
            for (int pos = 0; pos < 1 << level; pos++)
            {
                var v = new double[p];
                for (int i = pos * span; i < (pos + 1) * span; i++)
                {
                    v[i] = i < pos * span + span / 2 ? 1 : -1;
                }
                double lambda = (1 << (depth - level)) - 1;
                for (int i = 0; i < p; i++)
                {
                    double mv = Enumerable.Range(0, p).Sum(j => yyt[i, j] * v[j]);
                    Assert.Equal(lambda * v[i], mv, 1e-12);
                }
            }
        }
        // The teacher's singular values are those of A = Yᵀ = P Σyx.
        Assert.Equal(expected.Select(v => v * p), d.Teacher!.SingularValues, new Tolerance(1e-12));
    }

    [Fact]
    public void ConflictingSizesAreRejected()
    {
        var e = Assert.Throws<DataException>(() => DatasetFactory.Create<double>(new DataOptions { Kind = "hierarchical", Depth = 3, Inputs = 4 }, RngKey.FromSeed(0)));
        Assert.Contains("data.inputs", e.Message);
        Assert.Contains("data.depth", Assert.Throws<DataException>(() => DatasetFactory.Create<double>(new DataOptions { Kind = "hierarchical" }, RngKey.FromSeed(0))).Message);
    }

    private sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= eps * Math.Max(1, Math.Abs(a));

        public int GetHashCode(double v) => 0;
    }
}
