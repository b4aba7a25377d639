using System.Numerics;
using Gradscope.Tensors;
using static Gradscope.Tensors.Tensor;

namespace Gradscope.Autodiff;

/// <summary>
/// The vector-Jacobian product of every primitive, in one table. Each rule is written with the
/// differentiable primitives themselves, so when a backward pass runs with recording on the
/// gradient is again a recorded computation and can be differentiated (second order: HVPs,
/// gradient penalties). Inputs whose gradient is not needed are skipped (null = symbolic zero).
/// Notation: x, a, b the inputs; y the output; g the cotangent dL/dy.
/// </summary>
internal static class Rules
{
    public static Tensor<T>?[] Vjp<T>(Tensor<T> y, Node<T> node, Tensor<T> g, bool[] needs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ins = node.Inputs;
        var x = ins[0];
        switch (node.Op)
        {
            // ---- broadcasting binary arithmetic: the adjoint of broadcasting is summation ----
            case OpKind.Add:
                return [needs[0] ? SumTo(g, x.Shape) : null, needs[1] ? SumTo(g, ins[1].Shape) : null];
            case OpKind.Sub:
                return [needs[0] ? SumTo(g, x.Shape) : null, needs[1] ? SumTo(Neg(g), ins[1].Shape) : null];
            case OpKind.Mul:
                return [needs[0] ? SumTo(Mul(g, ins[1]), x.Shape) : null, needs[1] ? SumTo(Mul(g, x), ins[1].Shape) : null];
            case OpKind.Div:
                // d(a/b) = da/b - a db/b^2 = (da - y db)/b
                return [needs[0] ? SumTo(Div(g, ins[1]), x.Shape) : null,
                        needs[1] ? SumTo(Neg(Div(Mul(g, y), ins[1])), ins[1].Shape) : null];
            case OpKind.Maximum:
            case OpKind.Minimum:
            {
                // Weight of the first argument: 1 where it is selected, 1/2 at ties.
                var a = x.Detach();
                var b = ins[1].Detach();
                var wa = node.Op == OpKind.Maximum ? Greater(a, b) : Less(a, b);
                wa = Add(wa, MulScalar(Equal(a, b), 0.5));
                return [needs[0] ? SumTo(Mul(g, wa), x.Shape) : null,
                        needs[1] ? SumTo(Mul(g, AddScalar(Neg(wa), 1)), ins[1].Shape) : null];
            }
            case OpKind.Pow:
            {
                var a = x;
                var b = ins[1];
                Tensor<T>? ga = null, gb = null;
                if (needs[0])
                {
                    ga = SumTo(Mul(g, Mul(b, Pow(a, AddScalar(b, -1)))), a.Shape);
                }
                if (needs[1])
                {
                    // Mask where a == 0 and b >= 0: the limit of a^b log a is 0 there.
                    var ad = a.Detach();
                    var mask = Mul(Equal(ad, ZerosLike(ad)), GreaterEqual(b.Detach(), ZerosLike(b)));
                    var term = Mul(y, Log(a));
                    gb = SumTo(Mul(g, Where(mask, ZerosLike(term), term)), b.Shape);
                }
                return [ga, gb];
            }

            // ---- unary elementwise ----
            case OpKind.Neg:
                return [Neg(g)];
            case OpKind.AddScalar:
                return [g];
            case OpKind.MulScalar:
                return [MulScalar(g, ((ScalarAttr)node.Attr!).Value)];
            case OpKind.PowScalar:
            {
                double p = ((ScalarAttr)node.Attr!).Value;
                return [p == 2 ? MulScalar(Mul(g, x), 2) : p == 1 ? g : MulScalar(Mul(g, Pow(x, p - 1)), p)];
            }
            case OpKind.Square:
                return [MulScalar(Mul(g, x), 2)];
            case OpKind.Exp:
                return [Mul(g, y)];
            case OpKind.Log:
                return [Div(g, x)];
            case OpKind.Sqrt:
                return [Div(MulScalar(g, 0.5), y)];
            case OpKind.Abs:
                return [Mul(g, Sign(x.Detach()))];
            case OpKind.Sin:
                return [Mul(g, Cos(x))];
            case OpKind.Cos:
                return [Neg(Mul(g, Sin(x)))];
            case OpKind.Tanh:
                // 1 - tanh^2, in terms of the output so the second derivative flows through y.
                return [Mul(g, AddScalar(Neg(Square(y)), 1))];
            case OpKind.Sigmoid:
                return [Mul(g, Mul(y, AddScalar(Neg(y), 1)))];
            case OpKind.Relu:
                return [ReluMask(g, x)];
            case OpKind.ReluMask:
                // Linear in its first argument; the mask input carries no gradient.
                return [needs[0] ? ReluMask(g, ins[1]) : null, null];
            case OpKind.LeakyRelu:
            {
                double s = ((ScalarAttr)node.Attr!).Value;
                var step = Step(x.Detach());
                return [Mul(g, AddScalar(MulScalar(step, 1 - s), s))];
            }
            case OpKind.Erf:
                // d erf(x)/dx = 2/sqrt(pi) exp(-x^2)
                return [Mul(g, MulScalar(Exp(Neg(Square(x))), 2 / Math.Sqrt(Math.PI)))];
            case OpKind.Gelu:
            {
                // d/dx x Phi(x) = Phi(x) + x phi(x), Phi(x) = (1 + erf(x/sqrt2))/2, phi(x) = exp(-x^2/2)/sqrt(2 pi)
                var phiBig = MulScalar(AddScalar(Erf(MulScalar(x, 1 / Math.Sqrt(2))), 1), 0.5);
                var phiSmall = MulScalar(Exp(MulScalar(Square(x), -0.5)), 1 / Math.Sqrt(2 * Math.PI));
                return [Mul(g, Add(phiBig, Mul(x, phiSmall)))];
            }
            case OpKind.Softplus:
                return [Mul(g, Sigmoid(x))];
            case OpKind.Clamp:
            {
                var c = (ClampAttr)node.Attr!;
                var xd = x.Detach();
                var mask = OnesLike(xd);
                if (c.Min is { } lo)
                {
                    mask = Mul(mask, GreaterEqual(xd, Scalar(T.CreateTruncating(lo))));
                }
                if (c.Max is { } hi)
                {
                    mask = Mul(mask, LessEqual(xd, Scalar(T.CreateTruncating(hi))));
                }
                return [Mul(g, mask)];
            }
            case OpKind.Where:
            {
                var cond = x;
                var zero = ZerosLike(g);
                return [null,
                        needs[1] ? SumTo(Where(cond, g, zero), ins[1].Shape) : null,
                        needs[2] ? SumTo(Where(cond, zero, g), ins[2].Shape) : null];
            }

            // ---- reductions and broadcasting (each other's adjoints) ----
            case OpKind.Sum:
            {
                var at = (AxesAttr)node.Attr!;
                var gk = at.KeepDims ? g : Reshape(g, Shapes.Reduced(x.Shape, at.Axes, true));
                return [BroadcastTo(gk, x.Shape)];
            }
            case OpKind.SumOfSquares:
                // d/dx Σx² = 2x; the scalar cotangent is doubled once, then one broadcast product.
                return [Mul(x, MulScalar(g, 2))];
            case OpKind.Max:
            {
                var at = (AxesAttr)node.Attr!;
                var keep = Shapes.Reduced(x.Shape, at.Axes, true);
                var mask = Equal(x.Detach(), Reshape(y.Detach(), keep));
                var share = Div(mask, Sum(mask, at.Axes, keepDims: true));
                return [Mul(BroadcastTo(Reshape(g, keep), x.Shape), share)];
            }
            case OpKind.BroadcastTo:
                return [SumTo(g, ((ShapeAttr)node.Attr!).Shape)];

            // ---- layout ----
            case OpKind.Reshape:
                return [Reshape(g, ((ShapeAttr)node.Attr!).Shape)];
            case OpKind.Permute:
            {
                var p = ((PermAttr)node.Attr!).Perm;
                var inv = new int[p.Length];
                for (int i = 0; i < p.Length; i++)
                {
                    inv[p[i]] = i;
                }
                return [Permute(g, inv)];
            }
            case OpKind.Slice:
            {
                var s = (SliceAttr)node.Attr!;
                return [SliceScatter(g, s.FullShape, s.Starts, s.Steps)];
            }
            case OpKind.SliceScatter:
            {
                var s = (SliceAttr)node.Attr!;
                var stops = new int[s.Starts.Length];
                for (int i = 0; i < stops.Length; i++)
                {
                    stops[i] = s.Starts[i] + (s.SliceShape[i] - 1) * s.Steps[i] + 1;
                }
                return [Slice(g, s.Starts, stops, s.Steps)];
            }
            case OpKind.IndexSelect:
            {
                var a = (IndexAttr)node.Attr!;
                return [ScatterAdd(g, a.Axis, a.Index, a.DimSize)];
            }
            case OpKind.ScatterAdd:
            {
                var a = (IndexAttr)node.Attr!;
                return [IndexSelect(g, a.Axis, a.Index)];
            }
            case OpKind.Concat:
            {
                int axis = ((ConcatAttr)node.Attr!).Axis;
                var r = new Tensor<T>?[ins.Length];
                int off = 0;
                for (int i = 0; i < ins.Length; i++)
                {
                    int w = ins[i].Shape[axis];
                    r[i] = needs[i] ? Slice(g, axis, off, off + w) : null;
                    off += w;
                }
                return r;
            }

            // ---- matrix product: C = op(A) op(B) ----
            case OpKind.MatMul:
            {
                var (ta, tb) = ((MatMulAttr)node.Attr!) is var m ? (m.TransA, m.TransB) : default;
                var a = x;
                var b = ins[1];
                Tensor<T>? ga = null, gb = null;
                // Both products side by side on two cores when they are of the size that profits
                // (same values as the two separate calls below).
                if (needs[0] && needs[1] && MatMulGradPair(a, b, g, ta, tb) is ({ } pa, { } pb))
                {
                    return [SumTo(pa, a.Shape), SumTo(pb, b.Shape)];
                }
                if (needs[0])
                {
                    // dA = g op(B)^T, or (for op(A) = A^T) dA = op(B) g^T
                    ga = ta ? MatMul(b, g, tb, true) : MatMul(g, b, false, !tb);
                    ga = SumTo(ga, a.Shape);
                }
                if (needs[1])
                {
                    // dB = op(A)^T g, or (for op(B) = B^T) dB = g^T op(A)
                    gb = tb ? MatMul(g, a, true, ta) : MatMul(a, g, !ta, false);
                    gb = SumTo(gb, b.Shape);
                }
                return [ga, gb];
            }
            default:
                throw new NotSupportedException($"no differentiation rule for {node.Op}");
        }
    }

    /// <summary>dA and dB of C = op(A) op(B) (the products of the MatMul rule) as one pair, or null.</summary>
    private static (Tensor<T>, Tensor<T>)? MatMulGradPair<T>(Tensor<T> a, Tensor<T> b, Tensor<T> g, bool ta, bool tb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (a0, b0, ta0, tb0) = ta ? (b, g, tb, true) : (g, b, false, !tb);
        var (a1, b1, ta1, tb1) = tb ? (g, a, true, ta) : (a, g, !ta, false);
        return TryMatMulPair(a0, b0, ta0, tb0, a1, b1, ta1, tb1);
    }
}
