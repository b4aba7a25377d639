using System.Numerics;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Data;

/// <summary>
/// Hold-out test split: round(f·n) samples chosen uniformly at random with the split key
/// (the first ones of a seeded permutation); both parts keep the original sample order.
/// </summary>
internal static class Holdout
{
    public static (int[] Train, int[] Test) Indices(int n, double fraction, RngKey key)
    {
        int m = (int)Math.Round(fraction * n, MidpointRounding.AwayFromZero);
        if (m < 1 || m > n - 1)
        {
            throw new DataException(
                $"data.test_fraction: {OptionGuard.Format(fraction)} of {n} samples leaves {(m < 1 ? "no test sample" : "no training sample")}");
        }
        int[] perm = Sampling.Permutation(key, n);
        int[] test = perm[..m];
        int[] train = perm[m..];
        Array.Sort(test);
        Array.Sort(train);
        return (train, test);
    }

    public static DataSplit<T> Select<T>(DataSplit<T> s, int[] rows) where T : unmanaged, IFloatingPointIeee754<T> =>
        new(Tensor.IndexSelect(s.X, 0, rows), Tensor.IndexSelect(s.Y, 0, rows), s.Labels is null ? null : Array.ConvertAll(rows, i => s.Labels[i]));

    /// <summary>Splits the training split of <paramref name="d"/> (which must have no test split yet).</summary>
    public static Dataset<T> Apply<T>(Dataset<T> d, double fraction, RngKey key) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (train, test) = Indices(d.Train.Count, fraction, key);
        return d with { Train = Select(d.Train, train), Test = Select(d.Train, test) };
    }
}
