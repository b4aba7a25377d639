using Gradscope.Data;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Tests.Training;

/// <summary>A whitened linear teacher built directly from orthonormal frames (independent of the data generators).</summary>
internal static class SaxeFixture
{
    public static Dataset<double> LinearTeacher(int d, int n, double[] s, long seed)
    {
        var keys = RngKey.FromSeed(seed).Split(3);
        int r = s.Length;
        var u = Tensor.FromArray(Initializer.Frame(d, r, keys[0]), d, r);
        var v = Tensor.FromArray(Initializer.Frame(d, r, keys[1]), d, r);
        var a = Tensor.MatMul(Tensor.Mul(u, Tensor.FromArray(s, r)), v, transB: true);       // U diag(s) Vᵀ
        // X = √n · Q with orthonormal columns: (1/n) XᵀX = I exactly up to rounding.
        var x = Tensor.MulScalar(Tensor.FromArray(Initializer.Frame(n, d, keys[2]), n, d), Math.Sqrt(n));
        var y = Tensor.MatMul(x, a, transB: true);
        return new Dataset<double>("linear-teacher", TaskKind.Regression, new DataSplit<double>(x, y, null), null, 0,
            new Gradscope.Data.LinearTeacher(s, u, v, a));
    }
}
