using System.Numerics;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Data;

/// <summary>
/// <c>teacher-student</c>: targets from a fixed random two-layer teacher
/// y = W₂ σ(W₁ x) (+ noise), inputs → hidden → outputs, no biases, with He-normal weights
/// (He et al. 2015: W ~ N(0, 2/fan_in)), so pre-activations and outputs are O(1) for standard
/// normal inputs x. Activation relu unless <c>teacher_activation</c> says otherwise.
/// </summary>
internal static class TeacherStudentData
{
    public static Dataset<T> Create<T>(OptionGuard g, RngKey key) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = g.Options;
        g.OnlyUses("inputs", "outputs", "hidden", "samples", "test_samples", "teacher_activation", "noise");
        g.NotBoth("test_samples", o.TestSamples);
        int d = g.Positive(o.Inputs, "inputs");
        int h = g.Positive(o.Hidden, "hidden");
        int k = g.PositiveOr(o.Outputs, "outputs", 1);
        int n = g.Positive(o.Samples, "samples");
        int m = o.TestSamples is null ? 0 : g.Positive(o.TestSamples, "test_samples");
        double noise = g.NonNegativeOr(o.Noise, "noise", 0);
        var act = Activation.Relu;
        if (o.TeacherActivation is string name && !Activations.TryParse(name, out act))
        {
            throw g.Bad("teacher_activation", $"unknown activation '{name}' (expected one of: {string.Join(", ", Activations.Names)})");
        }

        var (w1, w2) = Teacher(key, d, h, k);
        var train = Sample(n, d, k, w1, w2, act, noise, key.Fold(DataKeys.Inputs), key.Fold(DataKeys.Noise));
        var test = m > 0 ? Sample(m, d, k, w1, w2, act, noise, key.Fold(DataKeys.TestInputs), key.Fold(DataKeys.TestNoise)).ToSplit<T>() : null;
        return new Dataset<T>("teacher-student", TaskKind.Regression, train.ToSplit<T>(), test, 0);
    }

    /// <summary>The teacher's weights W₁ [hidden, inputs] ~ N(0, 2/inputs) and W₂ [outputs, hidden] ~ N(0, 2/hidden).</summary>
    internal static (Tensor<double> W1, Tensor<double> W2) Teacher(RngKey key, int d, int h, int k) =>
        (Tensor.FromArray(DataMath.Gaussian(key.Fold(DataKeys.First), h * d, Math.Sqrt(2.0 / d)), h, d),
         Tensor.FromArray(DataMath.Gaussian(key.Fold(DataKeys.Second), k * h, Math.Sqrt(2.0 / h)), k, h));

    private static RawSplit Sample(int n, int d, int k, Tensor<double> w1, Tensor<double> w2, Activation act, double noise, RngKey xKey, RngKey noiseKey)
    {
        double[] x = DataMath.Gaussian(xKey, n * d);
        var hidden = Activations.Apply(act, Tensor.MatMul(Tensor.FromArray(x, n, d), w1, transB: true));
        double[] y = Tensor.MatMul(hidden, w2, transB: true).ToArray();
        if (noise > 0)
        {
            DataMath.AddScaled(y, DataMath.Gaussian(noiseKey, n * k), noise);
        }
        return new RawSplit(x, n, d, y, k, null);
    }
}
