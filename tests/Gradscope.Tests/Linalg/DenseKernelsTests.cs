using Gradscope.Linalg;
using Gradscope.Tensors.Native;

namespace Gradscope.Tests.Linalg;

public class DenseKernelsTests
{
    [Theory]
    [InlineData(1, 1, 1, false, false)]
    [InlineData(70, 130, 600, false, false)]
    [InlineData(33, 513, 129, true, false)]
    [InlineData(65, 17, 300, false, true)]
    [InlineData(40, 40, 40, true, true)]
    public void ProductMatchesNaive(int m, int n, int k, bool ta, bool tb)
    {
        double[] a = Dense.RandomMatrix(ta ? k : m, ta ? m : k, seed: 1);
        double[] b = Dense.RandomMatrix(tb ? n : k, tb ? k : n, seed: 2);
        double[] expected = Dense.Multiply(ta ? Dense.Transpose(a, k, m) : a, tb ? Dense.Transpose(b, n, k) : b, m, k, n);
        Dense.AssertClose(expected, DenseKernels.Multiply(a, ta, b, tb, m, n, k, lapack: false), 1e-13 * k, "managed");
        if (OpenBlasLibrary.IsAvailable)
        {
            Dense.AssertClose(expected, DenseKernels.Multiply(a, ta, b, tb, m, n, k, lapack: true), 1e-13 * k, "dgemm");
        }
    }

    [Fact]
    public void TransposeRoundTrips()
    {
        double[] a = Dense.RandomMatrix(37, 71, seed: 3);
        Assert.Equal(Dense.Transpose(a, 37, 71), DenseKernels.Transpose(a, 37, 71));
        Assert.Equal(a, DenseKernels.Transpose(DenseKernels.Transpose(a, 37, 71), 71, 37));
    }
}
