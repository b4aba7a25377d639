using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Nn;

/// <summary>Pointwise nonlinearities of MLPs (spec values: tanh, relu, gelu, sigmoid, linear, quadratic, leaky-relu, softplus).</summary>
public enum Activation
{
    Tanh,
    Relu,
    Gelu,
    Sigmoid,
    Linear,
    Quadratic,
    LeakyRelu,
    Softplus,
}

public static class Activations
{
    public static Tensor<T> Apply<T>(Activation a, Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> => a switch
    {
        Activation.Tanh => Tensor.Tanh(x),
        Activation.Relu => Tensor.Relu(x),
        Activation.Gelu => Tensor.Gelu(x),
        Activation.Sigmoid => Tensor.Sigmoid(x),
        Activation.Linear => x,
        Activation.Quadratic => Tensor.Square(x),
        Activation.LeakyRelu => Tensor.LeakyRelu(x, 0.01),
        Activation.Softplus => Tensor.Softplus(x),
        _ => throw new ArgumentOutOfRangeException(nameof(a), a, null),
    };

    /// <summary>Kebab-case spec name.</summary>
    public static string Name(Activation a) => a switch
    {
        Activation.LeakyRelu => "leaky-relu",
        _ => a.ToString().ToLowerInvariant(),
    };

    public static readonly string[] Names = Enum.GetValues<Activation>().Select(Name).ToArray();

    public static bool TryParse(string s, out Activation a)
    {
        foreach (var v in Enum.GetValues<Activation>())
        {
            if (Name(v) == s)
            {
                a = v;
                return true;
            }
        }
        a = default;
        return false;
    }
}
