using System.Numerics;
using System.Numerics.Tensors;
using Gradscope.Autodiff;
using Gradscope.Tensors.Kernels;

namespace Gradscope.Tensors;

// Elementwise primitives. Each computes its value with a kernel and records itself; the rules
// that differentiate it are in Autodiff/Rules.cs.
public static partial class Tensor
{
    internal static Tensor<T> Record<T>(Tensor<T> y, OpKind op, object? attr, params Tensor<T>[] inputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!GradMode.Enabled)
        {
            return y;
        }
        foreach (var x in inputs)
        {
            if (x.RequiresGrad)
            {
                y.Node = new Node<T>(op, inputs, attr);
                y.RequiresGrad = true;
                return y;
            }
        }
        return y;
    }

    private static Tensor<T> BinaryBroadcast<T, TOp>(string name, Tensor<T> a, Tensor<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOp<T>
    {
        var shape = Shapes.Equal(a.Shape, b.Shape) ? a.Shape : Shapes.Broadcast(name, a.Shape, b.Shape);
        var y = Buffers.Uninitialized<T>(Shapes.Size(shape));
        BroadcastKernels.Binary<T, TOp>(a.Data, a.Shape, b.Data, b.Shape, y, shape);
        return new Tensor<T>(y, shape == a.Shape ? (int[])shape.Clone() : shape);
    }

    private delegate void SpanMap<T>(ReadOnlySpan<T> x, Span<T> y);

    private static Tensor<T> Map<T>(Tensor<T> x, SpanMap<T> kernel) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = Buffers.Uninitialized<T>(x.Size);
        kernel(x.Data, y);
        return new Tensor<T>(y, (int[])x.Shape.Clone());
    }

    private static Tensor<T> MapOp<T, TOp>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> where TOp : IUnaryOp<T>
    {
        var y = Buffers.Uninitialized<T>(x.Size);
        ElementwiseLoop.Unary<T, TOp>(x.Data, y);
        return new Tensor<T>(y, (int[])x.Shape.Clone());
    }

    public static Tensor<T> Add<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(BinaryBroadcast<T, AddOp<T>>("add", a, b), OpKind.Add, null, a, b);

    public static Tensor<T> Sub<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(BinaryBroadcast<T, SubOp<T>>("sub", a, b), OpKind.Sub, null, a, b);

    public static Tensor<T> Mul<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(BinaryBroadcast<T, MulOp<T>>("mul", a, b), OpKind.Mul, null, a, b);

    public static Tensor<T> Div<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(BinaryBroadcast<T, DivOp<T>>("div", a, b), OpKind.Div, null, a, b);

    /// <summary>
    /// Elementwise maximum. Subgradient at ties a == b: each argument receives half of the
    /// incoming gradient (PyTorch's convention), so d/da + d/db = 1 everywhere.
    /// </summary>
    public static Tensor<T> Maximum<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(BinaryBroadcast<T, MaxOp<T>>("maximum", a, b), OpKind.Maximum, null, a, b);

    /// <summary>Elementwise minimum; at ties each argument receives half of the gradient (as <see cref="Maximum{T}"/>).</summary>
    public static Tensor<T> Minimum<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(BinaryBroadcast<T, MinOp<T>>("minimum", a, b), OpKind.Minimum, null, a, b);

    public static Tensor<T> Neg<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(Map<T>(x, TensorPrimitives.Negate), OpKind.Neg, null, x);

    public static Tensor<T> AddScalar<T>(Tensor<T> x, double s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = Buffers.Uninitialized<T>(x.Size);
        ElementwiseLoop.BinaryScalarRight<T, AddOp<T>>(x.Data, T.CreateTruncating(s), y);
        return Record(new Tensor<T>(y, (int[])x.Shape.Clone()), OpKind.AddScalar, new ScalarAttr(s), x);
    }

    public static Tensor<T> MulScalar<T>(Tensor<T> x, double s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = Buffers.Uninitialized<T>(x.Size);
        ElementwiseLoop.BinaryScalarRight<T, MulOp<T>>(x.Data, T.CreateTruncating(s), y);
        return Record(new Tensor<T>(y, (int[])x.Shape.Clone()), OpKind.MulScalar, new ScalarAttr(s), x);
    }

    /// <summary>x^p for a constant exponent p.</summary>
    public static Tensor<T> Pow<T>(Tensor<T> x, double p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tensor<T> y;
        if (p == 2)
        {
            y = MapOp<T, SquareOp<T>>(x);
        }
        else
        {
            var pt = T.CreateTruncating(p);
            y = Map<T>(x, (s, d) => TensorPrimitives.Pow<T>(s, pt, d));
        }
        return Record(y, OpKind.PowScalar, new ScalarAttr(p), x);
    }

    /// <summary>a^b elementwise with broadcasting. d/db = a^b·log(a), taken as 0 where a == 0 and b ≥ 0 (PyTorch's convention; NaN for a &lt; 0).</summary>
    public static Tensor<T> Pow<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = Shapes.Broadcast("pow", a.Shape, b.Shape);
        var ab = BroadcastTo(a.Detach(), shape).Data;
        var bb = BroadcastTo(b.Detach(), shape).Data;
        var y = Buffers.Uninitialized<T>(ab.Length);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = T.Pow(ab[i], bb[i]);
        }
        return Record(new Tensor<T>(y, shape), OpKind.Pow, null, a, b);
    }

    public static Tensor<T> Square<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(MapOp<T, SquareOp<T>>(x), OpKind.Square, null, x);

    public static Tensor<T> Exp<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(Map<T>(x, TensorPrimitives.Exp), OpKind.Exp, null, x);

    public static Tensor<T> Log<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(Map<T>(x, TensorPrimitives.Log), OpKind.Log, null, x);

    public static Tensor<T> Sqrt<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(Map<T>(x, TensorPrimitives.Sqrt), OpKind.Sqrt, null, x);

    /// <summary>|x|; its derivative sign(x) is 0 at x = 0 (PyTorch's convention).</summary>
    public static Tensor<T> Abs<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(Map<T>(x, TensorPrimitives.Abs), OpKind.Abs, null, x);

    public static Tensor<T> Sin<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(Map<T>(x, TensorPrimitives.Sin), OpKind.Sin, null, x);

    public static Tensor<T> Cos<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(Map<T>(x, TensorPrimitives.Cos), OpKind.Cos, null, x);

    public static Tensor<T> Tanh<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(Map<T>(x, TensorPrimitives.Tanh), OpKind.Tanh, null, x);

    public static Tensor<T> Sigmoid<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(Map<T>(x, TensorPrimitives.Sigmoid), OpKind.Sigmoid, null, x);

    /// <summary>max(x, 0); derivative 0 at x = 0.</summary>
    public static Tensor<T> Relu<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Record(MapOp<T, ReluOp<T>>(x), OpKind.Relu, null, x);

    /// <summary>
    /// g where x &gt; 0, else 0: relu's backward in one pass (instead of a step mask and a product).
    /// Linear in g; x only selects, so its derivative with respect to x is zero (almost everywhere).
    /// </summary>
    public static Tensor<T> ReluMask<T>(Tensor<T> g, Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Shapes.Equal(g.Shape, x.Shape))
        {
            throw new TensorShapeException($"relu_mask: shapes {Shapes.Format(g.Shape)} and {Shapes.Format(x.Shape)} differ");
        }
        var y = Buffers.Uninitialized<T>(g.Size);
        ElementwiseLoop.Binary<T, PassWherePositiveOp<T>>(g.Data, x.Data, y);
        return Record(new Tensor<T>(y, (int[])g.Shape.Clone()), OpKind.ReluMask, null, g, x.Detach());
    }

    /// <summary>x for x &gt; 0, slope·x otherwise (derivative slope at 0).</summary>
    public static Tensor<T> LeakyRelu<T>(Tensor<T> x, double slope = 0.01) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = T.CreateTruncating(slope);
        var y = Buffers.Uninitialized<T>(x.Size);
        for (int i = 0; i < y.Length; i++)
        {
            var v = x.Data[i];
            y[i] = v > T.Zero ? v : v * s;
        }
        return Record(new Tensor<T>(y, (int[])x.Shape.Clone()), OpKind.LeakyRelu, new ScalarAttr(slope), x);
    }

    /// <summary>The Gauss error function (Math.NET's double-precision implementation).</summary>
    public static Tensor<T> Erf<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = Buffers.Uninitialized<T>(x.Size);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = T.CreateTruncating(MathNet.Numerics.SpecialFunctions.Erf(double.CreateTruncating(x.Data[i])));
        }
        return Record(new Tensor<T>(y, (int[])x.Shape.Clone()), OpKind.Erf, null, x);
    }

    /// <summary>Exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (Hendrycks and Gimpel 2016; PyTorch's default).</summary>
    public static Tensor<T> Gelu<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = Buffers.Uninitialized<T>(x.Size);
        for (int i = 0; i < y.Length; i++)
        {
            double v = double.CreateTruncating(x.Data[i]);
            y[i] = T.CreateTruncating(0.5 * v * (1 + MathNet.Numerics.SpecialFunctions.Erf(v / Math.Sqrt(2))));
        }
        return Record(new Tensor<T>(y, (int[])x.Shape.Clone()), OpKind.Gelu, null, x);
    }

    /// <summary>log(1 + e^x), computed stably as max(x, 0) + log1p(e^-|x|) (no overflow for large |x|).</summary>
    public static Tensor<T> Softplus<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = Buffers.Uninitialized<T>(x.Size);
        for (int i = 0; i < y.Length; i++)
        {
            var v = x.Data[i];
            y[i] = T.Max(v, T.Zero) + T.LogP1(T.Exp(-T.Abs(v)));
        }
        return Record(new Tensor<T>(y, (int[])x.Shape.Clone()), OpKind.Softplus, null, x);
    }

    /// <summary>Clamps into [min, max] (either bound optional); the gradient passes where min ≤ x ≤ max.</summary>
    public static Tensor<T> Clamp<T>(Tensor<T> x, double? min, double? max) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = (T[])x.Data.Clone();
        if (min is { } lo)
        {
            ElementwiseLoop.BinaryScalarRight<T, MaxOp<T>>(y, T.CreateTruncating(lo), y);
        }
        if (max is { } hi)
        {
            ElementwiseLoop.BinaryScalarRight<T, MinOp<T>>(y, T.CreateTruncating(hi), y);
        }
        return Record(new Tensor<T>(y, (int[])x.Shape.Clone()), OpKind.Clamp, new ClampAttr(min, max), x);
    }

    /// <summary>Selects a where cond ≠ 0, else b (broadcasting all three). cond is a constant.</summary>
    public static Tensor<T> Where<T>(Tensor<T> cond, Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = Shapes.Broadcast("where", Shapes.Broadcast("where", cond.Shape, a.Shape), b.Shape);
        var c = BroadcastRaw(cond, shape);
        var av = BroadcastRaw(a, shape);
        var bv = BroadcastRaw(b, shape);
        var y = Buffers.Uninitialized<T>(c.Length);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = c[i] != T.Zero ? av[i] : bv[i];
        }
        return Record(new Tensor<T>(y, shape), OpKind.Where, null, cond.Detach(), a, b);
    }

    private static T[] BroadcastRaw<T>(Tensor<T> x, int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Shapes.Equal(x.Shape, shape))
        {
            return x.Data;
        }
        var y = Buffers.Uninitialized<T>(Shapes.Size(shape));
        BroadcastKernels.BroadcastTo(x.Data, x.Shape, y, shape);
        return y;
    }

    // Comparisons return 0/1 tensors of the same dtype and carry no gradient.
    public static Tensor<T> Greater<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> => BinaryBroadcast<T, GreaterOp<T>>("greater", a, b);

    public static Tensor<T> GreaterEqual<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> => BinaryBroadcast<T, GreaterEqualOp<T>>("greater_equal", a, b);

    public static Tensor<T> Less<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> => BinaryBroadcast<T, LessOp<T>>("less", a, b);

    public static Tensor<T> LessEqual<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> => BinaryBroadcast<T, LessEqualOp<T>>("less_equal", a, b);

    public static Tensor<T> Equal<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> => BinaryBroadcast<T, EqualOp<T>>("equal", a, b);

    public static Tensor<T> NotEqual<T>(Tensor<T> a, Tensor<T> b) where T : unmanaged, IFloatingPointIeee754<T> => BinaryBroadcast<T, NotEqualOp<T>>("not_equal", a, b);

    /// <summary>Heaviside step 1[x &gt; 0] (constant).</summary>
    public static Tensor<T> Step<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> => MapOp<T, StepOp<T>>(x);

    /// <summary>sign(x) in {-1, 0, 1} (constant).</summary>
    public static Tensor<T> Sign<T>(Tensor<T> x) where T : unmanaged, IFloatingPointIeee754<T> => MapOp<T, SignOp<T>>(x);
}
