using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Data;

/// <summary>
/// A split as the generators build it: row-major float64 inputs X [n, d] and targets Y [n, k]
/// (one-hot rows for classification) plus integer labels. Generated data are made in float64 and
/// converted once at the end, so a float32 dataset is the float64 one rounded.
/// </summary>
internal sealed record RawSplit(double[] X, int N, int D, double[] Y, int K, int[]? Labels)
{
    public DataSplit<T> ToSplit<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        new(Tensor.FromDoubles<T>(X, N, D), Tensor.FromDoubles<T>(Y, N, K), Labels);

    /// <summary>Classification split from inputs and labels: Y = one-hot(labels).</summary>
    public static RawSplit Classified(double[] x, int n, int d, int[] labels, int classes) =>
        new(x, n, d, DataMath.OneHot(labels, classes), classes, labels);
}
