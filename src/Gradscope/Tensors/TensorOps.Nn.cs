using System.Numerics;

namespace Gradscope.Tensors;

/// <summary>Padding modes for convolutions.</summary>
public enum PaddingMode
{
    /// <summary>Zeros outside the input.</summary>
    Zeros,

    /// <summary>The input wraps around (periodic): the circular convolutions of linear CNN theory.</summary>
    Circular,
}

// Composite neural-network operations built from the primitives (their derivatives, of every
// order, follow from the primitives' rules).
public static partial class Tensor
{
    /// <summary>Numerically stable softmax: exp(x − max) / Σ exp(x − max), max held constant.</summary>
    public static Tensor<T> Softmax<T>(Tensor<T> x, int axis = -1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int a = Shapes.Axis("softmax", axis, x.Rank);
        var e = Exp(Sub(x, Max(x.Detach(), [a], keepDims: true)));
        return Div(e, Sum(e, [a], keepDims: true));
    }

    /// <summary>Numerically stable log-softmax: x − logsumexp(x) (never log of an underflowed 0).</summary>
    public static Tensor<T> LogSoftmax<T>(Tensor<T> x, int axis = -1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int a = Shapes.Axis("log_softmax", axis, x.Rank);
        return Sub(x, LogSumExp(x, [a], keepDims: true));
    }

    /// <summary>
    /// 1-D convolution (cross-correlation, as PyTorch): x [N, Cin, L], w [Cout, Cin, K],
    /// optional bias [Cout] -> [N, Cout, Lout], Lout = (L + 2·padding − K)/stride + 1.
    /// </summary>
    public static Tensor<T> Conv1d<T>(Tensor<T> x, Tensor<T> w, Tensor<T>? bias = null, int stride = 1, int padding = 0,
        PaddingMode mode = PaddingMode.Zeros) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Rank != 3 || w.Rank != 3)
        {
            throw new TensorShapeException($"conv1d: expected input [N, C, L] and weight [Cout, Cin, K], got {Shapes.Format(x.Shape)} and {Shapes.Format(w.Shape)}");
        }
        var y = Conv2d(Unsqueeze(x, 2), Unsqueeze(w, 2), bias, (1, stride), (0, padding), mode);
        return Squeeze(y, 2);
    }

    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch): x [N, Cin, H, W], w [Cout, Cin, Kh, Kw],
    /// optional bias [Cout] -> [N, Cout, Ho, Wo]. Zero or circular padding. Implemented as
    /// padding, an index gather of the receptive fields (im2col) and one matrix product, so every
    /// derivative comes from the gather/scatter and matmul rules.
    /// </summary>
    public static Tensor<T> Conv2d<T>(Tensor<T> x, Tensor<T> w, Tensor<T>? bias = null, (int H, int W)? stride = null,
        (int H, int W)? padding = null, PaddingMode mode = PaddingMode.Zeros) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (sh, sw) = stride ?? (1, 1);
        var (ph, pw) = padding ?? (0, 0);
        if (x.Rank != 4 || w.Rank != 4)
        {
            throw new TensorShapeException($"conv2d: expected input [N, C, H, W] and weight [Cout, Cin, Kh, Kw], got {Shapes.Format(x.Shape)} and {Shapes.Format(w.Shape)}");
        }
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int cout = w.Shape[0], kh = w.Shape[2], kw = w.Shape[3];
        if (w.Shape[1] != c)
        {
            throw new TensorShapeException($"conv2d: input has {c} channels but weight {Shapes.Format(w.Shape)} expects {w.Shape[1]}");
        }
        if (sh <= 0 || sw <= 0 || ph < 0 || pw < 0)
        {
            throw new TensorShapeException($"conv2d: stride ({sh}, {sw}) must be positive and padding ({ph}, {pw}) non-negative");
        }
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != cout))
        {
            throw new TensorShapeException($"conv2d: bias {Shapes.Format(bias.Shape)} does not match {cout} output channels");
        }
        int hp = h + 2 * ph, wp = wd + 2 * pw;
        if (hp < kh || wp < kw)
        {
            throw new TensorShapeException($"conv2d: kernel {kh}x{kw} larger than padded input {hp}x{wp}");
        }
        if (mode == PaddingMode.Circular && (ph > h || pw > wd))
        {
            throw new TensorShapeException($"conv2d: circular padding ({ph}, {pw}) exceeds the input size {h}x{wd}");
        }
        int ho = (hp - kh) / sh + 1, wo = (wp - kw) / sw + 1;

        // Receptive-field gather indices into the flattened (padded, for zeros) input plane.
        var index = new int[ho * wo * kh * kw];
        int p = 0;
        for (int i = 0; i < ho; i++)
        {
            for (int j = 0; j < wo; j++)
            {
                for (int u = 0; u < kh; u++)
                {
                    for (int v = 0; v < kw; v++)
                    {
                        int r = i * sh + u, q = j * sw + v;
                        index[p++] = mode == PaddingMode.Circular
                            ? ((r - ph + h) % h) * wd + ((q - pw + wd) % wd)
                            : r * wp + q;
                    }
                }
            }
        }
        var src = mode == PaddingMode.Zeros && (ph > 0 || pw > 0)
            ? Pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)])
            : x;
        var plane = Reshape(src, n, c, -1);
        var cols = IndexSelect(plane, 2, index);                        // [N, C, Ho*Wo*Kh*Kw]
        cols = Reshape(cols, n, c, ho * wo, kh * kw);
        cols = Reshape(Permute(cols, 0, 2, 1, 3), n, ho * wo, c * kh * kw); // [N, Ho*Wo, C*Kh*Kw]
        var wm = Reshape(w, cout, c * kh * kw);
        var y = MatMul(cols, wm, transB: true);                       // [N, Ho*Wo, Cout]
        if (bias is not null)
        {
            y = Add(y, bias);
        }
        return Reshape(Permute(y, 0, 2, 1), n, cout, ho, wo);
    }
}
