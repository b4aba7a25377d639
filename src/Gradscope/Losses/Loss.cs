using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Losses;

/// <summary>The training objectives, as differentiable functions of the model output and the targets.</summary>
public static class Loss
{
    public static readonly string[] Names = ["mse", "cross-entropy", "logistic", "hinge"];

    public static string Name(LossKind k) => Names[(int)k];

    public static bool TryParse(string s, out LossKind k)
    {
        int i = Array.IndexOf(Names, s);
        k = i < 0 ? default : (LossKind)i;
        return i >= 0;
    }

    /// <summary>
    /// The loss of outputs <paramref name="f"/> [n, k] against targets <paramref name="y"/> [n, k]
    /// (one-hot rows for cross-entropy; ±1 for logistic and hinge).
    /// </summary>
    public static Tensor<T> Compute<T>(LossKind kind, Tensor<T> f, Tensor<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Shapes.Equal(f.Shape, y.Shape))
        {
            throw new TensorShapeException($"loss {Name(kind)}: output {Shapes.Format(f.Shape)} and target {Shapes.Format(y.Shape)} differ");
        }
        double n = f.Shape[0];
        return kind switch
        {
            LossKind.Mse => Tensor.MulScalar(Tensor.SumOfSquares(Tensor.Sub(f, y)), 0.5 / n),
            LossKind.CrossEntropy => Tensor.MulScalar(Tensor.Sum(Tensor.Mul(Tensor.LogSoftmax(f, -1), y)), -1.0 / n),
            LossKind.Logistic => Tensor.MulScalar(Tensor.Sum(Tensor.Softplus(Tensor.Neg(Tensor.Mul(y, f)))), 1.0 / n),
            LossKind.Hinge => Tensor.MulScalar(Tensor.Sum(Tensor.Relu(Tensor.AddScalar(Tensor.Neg(Tensor.Mul(y, f)), 1))), 1.0 / n),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>Fraction of rows whose prediction matches: argmax for multi-class, sign for one output.</summary>
    public static double Accuracy<T>(Tensor<T> f, Tensor<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = f.Shape[0], k = f.Shape[1];
        var fs = f.Span;
        var ys = y.Span;
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            if (k == 1)
            {
                correct += (fs[i] > T.Zero) == (ys[i] > T.Zero) ? 1 : 0;
                continue;
            }
            int af = 0, ay = 0;
            for (int j = 1; j < k; j++)
            {
                if (fs[i * k + j] > fs[i * k + af])
                {
                    af = j;
                }
                if (ys[i * k + j] > ys[i * k + ay])
                {
                    ay = j;
                }
            }
            correct += af == ay ? 1 : 0;
        }
        return n == 0 ? 0 : (double)correct / n;
    }
}
