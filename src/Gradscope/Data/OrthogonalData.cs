using System.Numerics;
using Gradscope.Random;

namespace Gradscope.Data;

/// <summary>
/// <c>orthogonal</c>: n ≤ d mutually orthogonal inputs with random ±1 labels — the memorisation
/// setting where a linear model can fit any labelling and every sample is learned independently.
/// The inputs are √d times a Haar-random orthonormal set (<see cref="DataMath.HaarOrthonormal"/>),
/// so each has squared norm exactly d (mean square entry 1, like a standard normal input) and
/// XXᵀ = d·I. Labels are independent fair coin flips: Y [n, 1] holds ±1 (the targets of the
/// logistic and hinge losses), Labels holds 0 for −1 and 1 for +1, Classes = 2. Test samples
/// (test_samples) are further vectors of the same orthonormal set, so n + test_samples ≤ d.
/// </summary>
internal static class OrthogonalData
{
    public static Dataset<T> Create<T>(OptionGuard g, RngKey key) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = g.Options;
        g.OnlyUses("inputs", "samples", "test_samples", "outputs");
        g.NotBoth("test_samples", o.TestSamples);
        int d = g.Positive(o.Inputs, "inputs");
        int n = g.Positive(o.Samples, "samples");
        int m = o.TestSamples is null ? 0 : g.Positive(o.TestSamples, "test_samples");
        if (o.Outputs is int k && k != 1)
        {
            throw g.Bad("outputs", $"is 1 for kind 'orthogonal' (one ±1 label per sample), got {k}");
        }
        if (n + m > d)
        {
            throw g.Bad(m > 0 ? "test_samples" : "samples", $"at most inputs = {d} vectors can be orthogonal, asked for {n}{(m > 0 ? $" + {m} test" : "")}");
        }
        int total = n + m;
        double[] q = DataMath.HaarOrthonormal(key.Fold(DataKeys.First), d, total);   // d x total, columns orthonormal
        var labels = new int[total];
        Sampling.UniformInt(key.Fold(DataKeys.Second), labels, 0, 2);
        double scale = Math.Sqrt(d);
        RawSplit Part(int start, int count)
        {
            var x = new double[count * d];
            var y = new double[count];
            for (int i = 0; i < count; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    x[i * d + j] = scale * q[j * total + start + i];
                }
                y[i] = 2 * labels[start + i] - 1;
            }
            return new RawSplit(x, count, d, y, 1, labels[start..(start + count)]);
        }
        return new Dataset<T>("orthogonal", TaskKind.Classification, Part(0, n).ToSplit<T>(), m > 0 ? Part(n, m).ToSplit<T>() : null, 2);
    }
}
