using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Nn;

/// <summary>
/// A fully connected network: widths [d0, d1, ..., dL] give L linear layers
/// (<c>layers.{i}.weight</c> [d_{i+1}, d_i], optional <c>layers.{i}.bias</c> [d_{i+1}]) with the
/// activation between them (none after the last). With the linear activation and no bias it
/// is the deep linear network of Saxe et al. (2014): f(x) = W_{L-1} ··· W_0 x.
/// </summary>
public sealed class Mlp : Model
{
    private readonly ParamSpec[] _params;

    public IReadOnlyList<int> Widths { get; }

    public Activation Activation { get; }

    public bool Bias { get; }

    public Parameterization Parameterization { get; }

    public int Layers => Widths.Count - 1;

    public Mlp(IReadOnlyList<int> widths, Activation activation = Activation.Linear, bool bias = false,
        Parameterization parameterization = Parameterization.Standard)
    {
        if (widths.Count < 2)
        {
            throw new ArgumentException("an MLP needs at least an input and an output width");
        }
        foreach (var w in widths)
        {
            if (w <= 0)
            {
                throw new ArgumentException($"widths must be positive, got [{string.Join(", ", widths)}]");
            }
        }
        Widths = widths.ToArray();
        Activation = activation;
        Bias = bias;
        Parameterization = parameterization;
        var ps = new List<ParamSpec>();
        for (int i = 0; i < Layers; i++)
        {
            ps.Add(new ParamSpec($"layers.{i}.weight", [widths[i + 1], widths[i]], i, false));
            if (bias)
            {
                ps.Add(new ParamSpec($"layers.{i}.bias", [widths[i + 1]], i, true, widths[i]));
            }
        }
        _params = [.. ps];
    }

    /// <summary>A deep linear network (no bias, identity activation).</summary>
    public static Mlp DeepLinear(IReadOnlyList<int> widths) => new(widths, Activation.Linear, false);

    public override IReadOnlyList<ParamSpec> Parameters => _params;

    public override int InputSize => Widths[0];

    public override int OutputSize => Widths[^1];

    /// <summary>The factor multiplying W h in layer <paramref name="layer"/> under the parameterisation.</summary>
    public double Multiplier(int layer) => Parameterization switch
    {
        Parameterization.Ntk => 1.0 / Math.Sqrt(Widths[layer]),
        Parameterization.MeanField when layer == Layers - 1 => 1.0 / Widths[layer],
        _ => 1.0,
    };

    public override Tensor<T> Forward<T>(IReadOnlyList<Tensor<T>> parameters, Tensor<T> x)
    {
        if (x.Rank != 2 || x.Shape[1] != InputSize)
        {
            throw new TensorShapeException($"mlp: input of shape {Shapes.Format(x.Shape)}, expected [n, {InputSize}]");
        }
        var h = x;
        int p = 0;
        for (int l = 0; l < Layers; l++)
        {
            h = Tensor.MatMul(h, parameters[p++], transB: true);
            double m = Multiplier(l);
            if (m != 1.0)
            {
                h = Tensor.MulScalar(h, m);
            }
            if (Bias)
            {
                h = Tensor.Add(h, parameters[p++]);
            }
            if (l < Layers - 1)
            {
                h = Activations.Apply(Activation, h);
            }
        }
        return h;
    }

    /// <summary>The end-to-end matrix W_{L-1} ··· W_0 (meaningful for linear networks).</summary>
    public Tensor<T> EndToEnd<T>(IReadOnlyList<Tensor<T>> parameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tensor<T>? m = null;
        int p = 0;
        for (int l = 0; l < Layers; l++)
        {
            var w = Tensor.MulScalar(parameters[p++], Multiplier(l));
            m = m is null ? w : Tensor.MatMul(w, m);
            if (Bias)
            {
                p++;
            }
        }
        return m!;
    }
}
