using System.Numerics;
using Gradscope.Data;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Tests.Landscape;

/// <summary>Small models, data and parameters for the landscape tests (all seeded).</summary>
internal static class LandscapeFixture
{
    /// <summary>A classification split: Gaussian inputs [n, d], random labels in [0, k), one-hot targets.</summary>
    public static DataSplit<T> Classification<T>(int n, int d, int k, long seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var keys = RngKey.FromSeed(seed).Split(2);
        var x = Tensor.Normal<T>(keys[0], [n, d]);
        var labels = new int[n];
        Sampling.UniformInt(keys[1], labels, 0, k);
        var y = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            y[i * k + labels[i]] = 1;
        }
        return new DataSplit<T>(x, Tensor.FromDoubles<T>(y, n, k), labels);
    }

    /// <summary>A regression split: Gaussian inputs [n, d] and Gaussian targets [n, k].</summary>
    public static DataSplit<T> Regression<T>(int n, int d, int k, long seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var keys = RngKey.FromSeed(seed).Split(2);
        return new DataSplit<T>(Tensor.Normal<T>(keys[0], [n, d]), Tensor.Normal<T>(keys[1], [n, k]), null);
    }

    /// <summary>PyTorch-default weights and biases (uniform ±1/√fan_in) so biases are non-zero.</summary>
    public static ParamSet<T> Params<T>(Model model, long seed) where T : unmanaged, IFloatingPointIeee754<T> =>
        Initializer.Create<T>(model, new InitOptions { Kind = "default", BiasInit = "default" }, RngKey.FromSeed(seed));

    /// <summary>The loss computed directly: Loss.Compute(model.Forward(θ, X), Y), no gradients.</summary>
    public static double Loss<T>(Model model, Gradscope.Losses.LossKind loss, DataSplit<T> s, ParamSet<T> p)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var _ = Gradscope.Autodiff.GradMode.NoGrad();
        return double.CreateTruncating(Gradscope.Losses.Loss.Compute(loss, model.Forward(p, s.X), s.Y).Item());
    }

    /// <summary>θ + a·d + b·e by hand, element by element in T, rounded as written ((θ + a·d) + b·e).</summary>
    public static ParamSet<T> ByHand<T>(ParamSet<T> theta, ParamSet<T> d, double a, ParamSet<T>? e = null, double b = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ts = new Tensor<T>[theta.Count];
        T at = T.CreateTruncating(a), bt = T.CreateTruncating(b);
        for (int p = 0; p < ts.Length; p++)
        {
            var th = theta[p].Span;
            var dd = d[p].Span;
            var r = new T[th.Length];
            for (int i = 0; i < r.Length; i++)
            {
                r[i] = th[i] + at * dd[i];
                if (e is not null)
                {
                    r[i] = r[i] + bt * e[p].Span[i];
                }
            }
            ts[p] = Tensor.FromArray(r, theta[p].Shape);
        }
        return new ParamSet<T>(theta.Names, ts);
    }

    /// <summary>θ with every tensor of layer <paramref name="layer"/> multiplied by c.</summary>
    public static ParamSet<double> ScaleLayer(Model model, ParamSet<double> theta, int layer, double c) =>
        theta.With(theta.Tensors.Select((t, i) => model.Parameters[i].Layer == layer ? Tensor.MulScalar(t, c) : t).ToArray());
}
