using System.Runtime.Intrinsics;
using Gradscope.Linalg;

namespace Gradscope.Tests.Linalg;

public class TridiagonalEigenTests
{
    // The managed eigensolver picks the widest rotation kernel the machine accelerates; each
    // must give exactly the scalar kernel's bits, so results do not depend on the machine's vector width.
    [Theory]
    [InlineData(256)]
    [InlineData(512)]
    public void VectorRotationChainsMatchScalarBitwise(int bits)
    {
        if ((bits == 256 && !Vector256.IsHardwareAccelerated) || (bits == 512 && !Vector512.IsHardwareAccelerated))
        {
            return;   // kernel not used (and not runnable efficiently) on this machine
        }
        const int n = 70, rows = 70;
        int width = bits == 512 ? 32 : 16;
        double[] z = Dense.RandomMatrix(rows, n, seed: bits);
        double[] angles = Dense.RandomMatrix(1, 60, seed: bits + 1);
        double[] cos = angles.Select(Math.Cos).ToArray();
        double[] sin = angles.Select(Math.Sin).ToArray();
        double[] expected = (double[])z.Clone();
        const int top = 65;   // rotations on rows (65, 66), (64, 65), ..., (6, 7)
        const int column0 = 3;
        for (int t = 0; t < width; t++)
        {
            TridiagonalEigen.ChainScalar(ref expected[column0 + t], n, top, cos, sin);
        }
        if (bits == 512)
        {
            TridiagonalEigen.Chain512(ref z[column0], n, top, cos, sin);
        }
        else
        {
            TridiagonalEigen.Chain256(ref z[column0], n, top, cos, sin);
        }
        Assert.Equal(expected, z);
        // And the chain really rotated: rows outside [6, 66] untouched, rows inside changed.
        double[] original = Dense.RandomMatrix(rows, n, seed: bits);
        Assert.Equal(original[(5 * n)..(6 * n)], z[(5 * n)..(6 * n)]);
        Assert.NotEqual(original[(30 * n + column0)..(30 * n + column0 + width)], z[(30 * n + column0)..(30 * n + column0 + width)]);
    }

    [Fact]
    public void ScalarChainIsASequenceOfPlaneRotations()
    {
        // Two rotations on rows (1, 2) then (0, 1) of a 3 x 1 column, checked by hand.
        double[] z = [1, 2, 3];
        double c1 = 0.6, s1 = 0.8, c2 = 0.28, s2 = 0.96;
        TridiagonalEigen.ChainScalar(ref z[0], 1, 1, [c1, c2], [s1, s2]);
        double x1 = c1 * 2 - s1 * 3, y2 = s1 * 2 + c1 * 3;
        double x0 = c2 * 1 - s2 * x1, y1 = s2 * 1 + c2 * x1;
        Assert.Equal([x0, y1, y2], z);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(1000)]
    public void ApplyingRotationsInBatchesChangesNoBits(int batch)
    {
        const int n = 90;
        double[] a = Dense.RandomSymmetric(n, seed: 90);
        (double[] values, double[] vectors) = TridiagonalEigen.Decompose((double[])a.Clone(), n, vectors: true);
        (double[] batchedValues, double[] batchedVectors) = TridiagonalEigen.Decompose((double[])a.Clone(), n, vectors: true, rotationBatch: batch);
        Assert.Equal(values, batchedValues);
        Assert.Equal(vectors, batchedVectors);
        double[] valuesOnly = TridiagonalEigen.Decompose((double[])a.Clone(), n, vectors: false).Values;
        Assert.Equal(values, valuesOnly);
    }
}
