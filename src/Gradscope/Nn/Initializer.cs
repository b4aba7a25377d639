using System.Numerics;
using Gradscope.Data;
using Gradscope.Linalg;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Nn;

/// <summary>Draws a model's initial ParamSet. Parameter i uses key.Fold(i), so adding a bias never changes the weights drawn.</summary>
public static class Initializer
{
    public static ParamSet<T> Create<T>(Model model, InitOptions init, RngKey key, LinearTeacher? teacher = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var specs = model.Parameters;
        if (init.Kind is "balanced" or "aligned")
        {
            return DeepLinear<T>(model, init, key, teacher);
        }
        var ts = new Tensor<T>[specs.Count];
        for (int i = 0; i < specs.Count; i++)
        {
            var p = specs[i];
            var k = key.Fold((ulong)i);
            ts[i] = p.IsBias ? Bias<T>(p, init, k) : Weight<T>(p, init, k);
        }
        return new ParamSet<T>(specs.Select(s => s.Name).ToArray(), ts);
    }

    private static Tensor<T> Bias<T>(ParamSpec p, InitOptions init, RngKey k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (init.BiasInit == "default")
        {
            // PyTorch nn.Linear: U(−1/√fan_in, 1/√fan_in) with fan_in of the layer's weight.
            double b = 1 / Math.Sqrt(p.FanIn);
            return Tensor.Uniform<T>(k, p.Shape, -b, b);
        }
        return Tensor.Zeros<T>(p.Shape);
    }

    private static Tensor<T> Weight<T>(ParamSpec p, InitOptions init, RngKey k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int fanIn = p.FanIn, fanOut = p.FanOut;
        double gain = init.Gain ?? 1.0;
        switch (init.Kind)
        {
            case "default":
            {
                double b = 1 / Math.Sqrt(fanIn);
                return Tensor.Uniform<T>(k, p.Shape, -b, b);
            }
            case "normal":
                return Tensor.Normal<T>(k, p.Shape, 0, init.Std ?? 1.0);
            case "uniform":
                return Tensor.Uniform<T>(k, p.Shape, init.Low ?? -1.0, init.High ?? 1.0);
            case "xavier-normal":
                return Tensor.Normal<T>(k, p.Shape, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
            case "xavier-uniform":
            {
                double b = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
                return Tensor.Uniform<T>(k, p.Shape, -b, b);
            }
            case "he-normal":
                return Tensor.Normal<T>(k, p.Shape, 0, (init.Gain ?? Math.Sqrt(2)) / Math.Sqrt(fanIn));
            case "he-uniform":
            {
                double b = (init.Gain ?? Math.Sqrt(2)) * Math.Sqrt(3.0 / fanIn);
                return Tensor.Uniform<T>(k, p.Shape, -b, b);
            }
            case "lecun-normal":
                return Tensor.Normal<T>(k, p.Shape, 0, gain / Math.Sqrt(fanIn));
            case "orthogonal":
                return Orthogonal<T>(p.Shape[0], p.Shape[1], gain, k);
            case "identity":
            {
                var t = Tensor.Zeros<T>(p.Shape);
                for (int i = 0; i < Math.Min(p.Shape[0], p.Shape[1]); i++)
                {
                    t.MutableSpan[i * p.Shape[1] + i] = T.CreateTruncating(gain);
                }
                return t;
            }
            case "zeros":
                return Tensor.Zeros<T>(p.Shape);
            default:
                throw new ArgumentException($"model.init.kind: unknown value '{init.Kind}'; allowed: {string.Join(", ", InitOptions.Kinds)}");
        }
    }

    /// <summary>
    /// A (semi-)orthogonal [rows, cols] matrix times gain, Haar-distributed (PyTorch's orthogonal_:
    /// QR of a Gaussian matrix with the signs of R's diagonal fixed; Mezzadri 2007).
    /// </summary>
    public static Tensor<T> Orthogonal<T>(int rows, int cols, double gain, RngKey k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var q = Frame(Math.Max(rows, cols), Math.Min(rows, cols), k); // [max, min], orthonormal columns
        var r = new double[rows * cols];
        int mn = Math.Min(rows, cols);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                r[i * cols + j] = gain * (rows >= cols ? q[i * mn + j] : q[j * mn + i]);
            }
        }
        return Tensor.FromDoubles<T>(r, rows, cols);
    }

    /// <summary>A Haar-random d x r matrix with orthonormal columns (row-major).</summary>
    public static double[] Frame(int d, int r, RngKey k)
    {
        var g = new double[d * r];
        Sampling.Normal(k, g.AsSpan(), 0.0, 1.0);
        return Qr.Orthonormalize(g, d, r);
    }

    /// <summary>
    /// Deep linear initialisations W_l = scale · Q_{l+1} S Q_lᵀ (l = 0..L-1) with orthonormal
    /// frames Q_l [d_l, r]:
    /// <list type="bullet">
    /// <item><c>aligned</c> (Saxe et al. 2014, decoupled initial conditions): r = number of
    /// teacher modes, Q_0 = V and Q_L = U the teacher's singular vectors, intermediate frames
    /// Haar-random, S = I — so the end-to-end map is scale^L·U Vᵀ and every mode starts at
    /// u_k(0) = scale^L.</item>
    /// <item><c>balanced</c> (Arora, Cohen and Hazan 2018): r = min width, Q_0, Q_L from the SVD of a
    /// Gaussian end-to-end draw G = U Σ Vᵀ, S = (Σ/σ_max)^{1/L}; every W_{l+1}ᵀW_{l+1} = W_l W_lᵀ.</item>
    /// </list>
    /// </summary>
    private static ParamSet<T> DeepLinear<T>(Model model, InitOptions init, RngKey key, LinearTeacher? teacher) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (model is not Mlp { Bias: false, Activation: Activation.Linear } mlp)
        {
            throw new ArgumentException($"model.init.kind: '{init.Kind}' applies only to deep linear networks (no bias, linear activation)");
        }
        double scale = init.Scale ?? 1.0;
        int layers = mlp.Layers;
        var w = mlp.Widths;
        var keys = key.Split(layers + 2);
        var frames = new double[layers + 1][];
        double[] s;
        int r;
        if (init.Kind == "aligned")
        {
            if (teacher is null)
            {
                throw new ArgumentException("model.init.kind: 'aligned' needs a linear-teacher dataset (its singular vectors)");
            }
            r = teacher.SingularValues.Length;
            if (teacher.V.Shape[0] != w[0] || teacher.U.Shape[0] != w[^1])
            {
                throw new ArgumentException($"model.init.kind: 'aligned' teacher is {teacher.U.Shape[0]}x{teacher.V.Shape[0]} but the network maps {w[0]} -> {w[^1]}");
            }
            frames[0] = teacher.V.ToDoubleArray();
            frames[layers] = teacher.U.ToDoubleArray();
            s = Enumerable.Repeat(1.0, r).ToArray();
        }
        else
        {
            r = w.Min();
            var g = new double[w[^1] * w[0]];
            Sampling.Normal(keys[layers + 1], g.AsSpan(), 0.0, 1.0);
            var (u, sv, vt) = Svd.Decompose(g, w[^1], w[0]);
            int rank = sv.Length;
            r = Math.Min(r, rank);
            frames[layers] = Columns(u, w[^1], rank, r);
            frames[0] = Transpose(Rows(vt, rank, w[0], r), r, w[0]);
            s = sv.Take(r).Select(v => Math.Pow(v / sv[0], 1.0 / layers)).ToArray();
        }
        for (int l = 0; l < layers; l++)
        {
            if (w[l] < r || w[l + 1] < r)
            {
                throw new ArgumentException($"model.widths: width {Math.Min(w[l], w[l + 1])} is below the {r} modes the '{init.Kind}' initialisation needs");
            }
        }
        for (int l = 1; l < layers; l++)
        {
            frames[l] = Frame(w[l], r, keys[l]);
        }
        var ts = new Tensor<T>[layers];
        for (int l = 0; l < layers; l++)
        {
            int rows = w[l + 1], cols = w[l];
            var a = frames[l + 1];
            var b = frames[l];
            var m = new double[rows * cols];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    double acc = 0;
                    for (int q = 0; q < r; q++)
                    {
                        acc += a[i * r + q] * s[q] * b[j * r + q];
                    }
                    m[i * cols + j] = scale * acc;
                }
            }
            ts[l] = Tensor.FromDoubles<T>(m, rows, cols);
        }
        return new ParamSet<T>(mlp.Parameters.Select(p => p.Name).ToArray(), ts);
    }

    private static double[] Columns(double[] a, int rows, int cols, int take)
    {
        var r = new double[rows * take];
        for (int i = 0; i < rows; i++)
        {
            Array.Copy(a, i * cols, r, i * take, take);
        }
        return r;
    }

    private static double[] Rows(double[] a, int rows, int cols, int take)
    {
        _ = rows;
        return a.AsSpan(0, take * cols).ToArray();
    }

    private static double[] Transpose(double[] a, int rows, int cols)
    {
        var t = new double[a.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    /// <summary>
    /// Parameters from a safetensors file with state-dict names; a missing or mis-shaped tensor
    /// is an <see cref="ArgumentException"/> naming it and the file.
    /// </summary>
    public static ParamSet<T> FromFile<T>(Model model, string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var f = SafeTensorFile.Load(path);
        var ts = new Tensor<T>[model.Parameters.Count];
        for (int i = 0; i < ts.Length; i++)
        {
            var p = model.Parameters[i];
            if (!f.Contains(p.Name))
            {
                throw new ArgumentException($"model.init_from: {path} has no tensor '{p.Name}' (has: {string.Join(", ", f.Tensors.Keys.Order())})");
            }
            var t = f.Get<T>(p.Name);
            if (!Shapes.Equal(t.Shape, p.Shape))
            {
                throw new ArgumentException($"model.init_from: {path}: tensor '{p.Name}' has shape {Shapes.Format(t.Shape)}, the model needs {Shapes.Format(p.Shape)}");
            }
            ts[i] = t;
        }
        return new ParamSet<T>(model.Parameters.Select(p => p.Name).ToArray(), ts);
    }
}
