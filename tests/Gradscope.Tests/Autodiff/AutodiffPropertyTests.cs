using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gradscope.Autodiff;
using Gradscope.Random;
using Gradscope.Tensors;
using static Gradscope.Tensors.Tensor;

namespace Gradscope.Tests.Autodiff;

/// <summary>
/// Algebraic identities that must hold for any inputs (FsCheck draws the seeds and sizes):
/// HVP is linear in v, the Hessian is symmetric, JVP and VJP are adjoint.
/// Tolerances are relative to the magnitudes involved (float64 rounding, ~1e-12).
/// </summary>
public class AutodiffPropertyTests
{
    // A small tanh MLP loss with all parameters as inputs: L(W1, b1, W2) on fixed data.
    private static Func<IReadOnlyList<Tensor<double>>, Tensor<double>> MlpLoss(int n, int d, int h, long seed)
    {
        var keys = RngKey.FromSeed(seed).Split(2);
        var x = Normal<double>(keys[0], [n, d]);
        var y = Normal<double>(keys[1], [n, 1]);
        return p =>
        {
            var hid = Tanh(Add(MatMul(x, p[0], transB: true), p[1]));
            var f = MatMul(hid, p[2], transB: true);
            return MulScalar(Sum(Square(Sub(f, y))), 0.5 / n);
        };
    }

    private static Tensor<double>[] Params(int d, int h, long seed)
    {
        var k = RngKey.FromSeed(seed).Split(3);
        return [Normal<double>(k[0], [h, d]), Normal<double>(k[1], [h]), Normal<double>(k[2], [1, h])];
    }

    private static Tensor<double>[] Direction(Tensor<double>[] ps, long seed)
    {
        var k = RngKey.FromSeed(seed).Split(ps.Length);
        return ps.Select((p, i) => Normal<double>(k[i], p.Shape)).ToArray();
    }

    private static double Inner(Tensor<double>[] a, Tensor<double>[] b) => a.Zip(b).Sum(t => Dot(t.First, t.Second).Item());

    private static double Norm(Tensor<double>[] a) => Math.Sqrt(Inner(a, a));

    private static Arbitrary<(int N, int D, int H, long Seed)> Sizes() =>
        (from n in Gen.Choose(1, 9)
         from d in Gen.Choose(1, 7)
         from h in Gen.Choose(1, 11)
         from s in Gen.Choose(0, 1_000_000)
         select (n, d, h, (long)s)).ToArbitrary();

    [Property(MaxTest = 30)]
    public Property HvpIsLinearInV() => Prop.ForAll(Sizes(), t =>
    {
        var f = MlpLoss(t.N, t.D, t.H, t.Seed);
        var p = Params(t.D, t.H, t.Seed + 1);
        var u = Direction(p, t.Seed + 2);
        var v = Direction(p, t.Seed + 3);
        const double alpha = 1.7, beta = -0.3;
        var comb = u.Zip(v).Select(z => Add(MulScalar(z.First, alpha), MulScalar(z.Second, beta))).ToArray();
        var hu = Grad.Hvp(f, p, u).Hvp;
        var hv = Grad.Hvp(f, p, v).Hvp;
        var hc = Grad.Hvp(f, p, comb).Hvp;
        var expect = hu.Zip(hv).Select(z => Add(MulScalar(z.First, alpha), MulScalar(z.Second, beta))).ToArray();
        var diff = hc.Zip(expect).Select(z => Sub(z.First, z.Second)).ToArray();
        return Norm(diff) <= 1e-11 * (1 + Norm(expect));
    });

    [Property(MaxTest = 30)]
    public Property HessianIsSymmetric() => Prop.ForAll(Sizes(), t =>
    {
        var f = MlpLoss(t.N, t.D, t.H, t.Seed);
        var p = Params(t.D, t.H, t.Seed + 1);
        var u = Direction(p, t.Seed + 2);
        var v = Direction(p, t.Seed + 3);
        double uHv = Inner(u, Grad.Hvp(f, p, v).Hvp);
        double vHu = Inner(v, Grad.Hvp(f, p, u).Hvp);
        return Math.Abs(uHv - vHu) <= 1e-11 * (1 + Math.Abs(uHv));
    });

    [Property(MaxTest = 30)]
    public Property JvpAndVjpAreAdjoint() => Prop.ForAll(Sizes(), t =>
    {
        // Vector-valued map: the network outputs on the batch, f: params -> R^{n x 1}.
        var keys = RngKey.FromSeed(t.Seed).Split(2);
        var x = Normal<double>(keys[0], [t.N, t.D]);
        Tensor<double> F(IReadOnlyList<Tensor<double>> p) =>
            MatMul(Tanh(Add(MatMul(x, p[0], transB: true), p[1])), p[2], transB: true);
        var p = Params(t.D, t.H, t.Seed + 1);
        var v = Direction(p, t.Seed + 2);
        var u = Normal<double>(keys[1], [t.N, 1]);
        var jv = Grad.Jvp(F, p, v).Jvp;
        var jtu = Grad.Vjp(F, p, u).Vjp;
        double lhs = Dot(u, jv).Item();
        double rhs = Inner(jtu, v);
        return Math.Abs(lhs - rhs) <= 1e-11 * (1 + Math.Abs(lhs));
    });

    [Fact]
    public void JvpMatchesFiniteDifferenceOfOutputs()
    {
        var x = Normal<double>(RngKey.FromSeed(5), [4, 3]);
        Tensor<double> F(IReadOnlyList<Tensor<double>> p) => Tanh(MatMul(x, p[0], transB: true));
        var w = Normal<double>(RngKey.FromSeed(6), [2, 3]);
        var v = Normal<double>(RngKey.FromSeed(7), [2, 3]);
        var jv = Grad.Jvp(F, [w], [v]).Jvp;
        const double eps = 1e-6;
        var fp = F([Add(w, MulScalar(v, eps))]);
        var fm = F([Sub(w, MulScalar(v, eps))]);
        var fd = MulScalar(Sub(fp, fm), 0.5 / eps);
        for (int i = 0; i < jv.Size; i++)
        {
            Assert.Equal(fd.Span[i], jv.Span[i], 8);
        }
    }

    [Fact]
    public void UnusedInputsGetSymbolicZeroGradients()
    {
        var a = FromArray(new[] { 1.0, 2.0 }, 2).RequireGrad();
        var b = FromArray(new[] { 3.0 }, 1).RequireGrad();
        var y = Sum(Square(a));
        var g = Grad.Of(y, [a, b]);
        Assert.NotNull(g[0]);
        Assert.Null(g[1]); // skipped, not materialised
        var (_, gs) = Grad.ValueAndGrad(p => Sum(Square(p[0])), [a, b]);
        Assert.Equal([0.0], gs[1].ToArray()); // materialised only at the API boundary
    }

    [Fact]
    public void NoGradScopeRecordsNothing()
    {
        var a = FromArray(new[] { 1.0, 2.0 }, 2).RequireGrad();
        using (GradMode.NoGrad())
        {
            var y = Sum(Square(a));
            Assert.False(y.RequiresGrad);
        }
        Assert.True(Sum(Square(a)).RequiresGrad);
    }

    [Fact]
    public void BackwardAccumulatesIntoLeaves()
    {
        var a = FromArray(new[] { 1.0, -2.0 }, 2).RequireGrad();
        Sum(Square(a)).Backward();
        Sum(MulScalar(a, 3)).Backward();
        Assert.Equal([2 + 3.0, -4 + 3.0], a.Grad!.ToArray());
    }

    [Fact]
    public void ExactHessianOfQuadraticForm()
    {
        // L = 0.5 xᵀAx with symmetric A: H = A exactly; columns from HVPs with unit vectors.
        double[] av = [2, 1, 0, 1, 3, -1, 0, -1, 4];
        var a = FromArray(av, 3, 3);
        Tensor<double> L(IReadOnlyList<Tensor<double>> p) => MulScalar(Dot(p[0], MatMul(a, p[0])), 0.5);
        var x = FromArray(new[] { 0.3, -0.2, 0.9 }, 3);
        for (int j = 0; j < 3; j++)
        {
            var e = Zeros<double>(3);
            e.MutableSpan[j] = 1;
            var col = Grad.Hvp(L, [x], [e]).Hvp[0];
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(av[i * 3 + j], col[i], 14);
            }
        }
    }
}
