using System.Numerics;

namespace Gradscope.Data;

/// <summary>
/// <c>chebyshev</c>: the one-dimensional regression task of Cohen et al. 2021 ("Gradient descent on
/// neural networks typically occurs at the edge of stability", their "chebyshev-5-20"): n points
/// x_i equally spaced on [−1, 1] with both ends included, x_i = (2i − (n − 1))/(n − 1) — as
/// <c>torch.linspace(-1, 1, n)</c> in their <c>src/synthetic.py</c> — and targets y_i = T_k(x_i), the
/// Chebyshev polynomial of the first kind of degree k (T_5(x) = 16x⁵ − 20x³ + 5x). Options:
/// <c>samples</c> n (default 20, at least 2), <c>degree</c> k (default 5, at least 0),
/// <c>test_samples</c> m (default none: a further grid of m ≥ 2 equally spaced points on [−1, 1];
/// Cohen et al. evaluate on the training set itself). One input, one output; no randomness, so the
/// seed does not change the data. T_k is evaluated by the three-term recurrence
/// T_{j+1} = 2x T_j − T_{j−1}, exact at x = ±1 and 0.
/// </summary>
internal static class ChebyshevData
{
    public const int DefaultSamples = 20;

    public const int DefaultDegree = 5;

    public static Dataset<T> Create<T>(OptionGuard g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = g.Options;
        g.OnlyUses("samples", "degree", "test_samples", "inputs", "outputs");
        g.NotBoth("test_samples", o.TestSamples);
        int n = AtLeast(g, o.Samples ?? DefaultSamples, "samples", 2);
        int k = AtLeast(g, o.Degree ?? DefaultDegree, "degree", 0);
        int? m = o.TestSamples is int t ? AtLeast(g, t, "test_samples", 2) : null;
        if (o.Inputs is int d && d != 1)
        {
            throw g.Bad("inputs", $"is 1 for kind 'chebyshev' (x on [−1, 1]), got {d}");
        }
        if (o.Outputs is int c && c != 1)
        {
            throw g.Bad("outputs", $"is 1 for kind 'chebyshev' (y = T_k(x)), got {c}");
        }
        return new Dataset<T>("chebyshev", TaskKind.Regression, Grid(n, k).ToSplit<T>(), m is int mm ? Grid(mm, k).ToSplit<T>() : null, 0);
    }

    /// <summary>x_i = (2i − (n − 1))/(n − 1): symmetric about 0, exactly ±1 at the ends.</summary>
    public static double Point(int i, int n) => (double)(2 * i - (n - 1)) / (n - 1);

    /// <summary>T_k(x) by the recurrence T_0 = 1, T_1 = x, T_{j+1} = 2x T_j − T_{j−1}.</summary>
    public static double T(int k, double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (k == 0)
        {
            return 1;
        }
        double prev = 1, cur = x;
        for (int j = 1; j < k; j++)
        {
            (prev, cur) = (cur, (2 * x * cur) - prev);
        }
        return cur;
    }

    private static RawSplit Grid(int n, int k)
    {
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = Point(i, n);
            y[i] = T(k, x[i]);
        }
        return new RawSplit(x, n, 1, y, 1, null);
    }

    private static int AtLeast(OptionGuard g, int value, string key, int min) =>
        value >= min ? value : throw g.Bad(key, $"must be >= {min} for kind 'chebyshev', got {value}");
}
