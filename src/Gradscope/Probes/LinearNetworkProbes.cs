using System.Numerics;
using Gradscope.Linalg;
using Gradscope.Nn;
using Gradscope.Tensors;
using Gradscope.Theory;

namespace Gradscope.Probes;

/// <summary><c>singular-values</c>: top-k singular values of every weight matrix (sv/&lt;name&gt;/1..k).</summary>
public sealed class SingularValuesProbe<T>(int top) : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Kind => "singular-values";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        for (int i = 0; i < ctx.Params.Count; i++)
        {
            if (ctx.Params[i].Rank != 2)
            {
                continue;
            }
            var (a, m, n) = Norms.Matrix(ctx.Params[i]);
            var s = Svd.SingularValues(a, m, n);
            for (int k = 0; k < Math.Min(top, s.Length); k++)
            {
                sink.Write(ctx.Step, ctx.Time, $"sv/{ctx.Params.Names[i]}/{k + 1}", s[k]);
            }
        }
    }
}

/// <summary>
/// <c>mode-strengths</c>: u_k = u_kᵀ W_end v_k, the end-to-end linear map projected on the
/// linear teacher's singular modes (Saxe et al. 2014), metrics mode/1..k.
/// </summary>
public sealed class ModeStrengthsProbe<T> : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Kind => "mode-strengths";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        var u = ModeStrengths.Measure(ctx, ctx.Params);
        for (int k = 0; k < u.Length; k++)
        {
            sink.Write(ctx.Step, ctx.Time, $"mode/{k + 1}", u[k]);
        }
    }
}

internal static class ModeStrengths
{
    public static double[] Measure<T>(ProbeContext<T> ctx, ParamSet<T> parameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var teacher = ctx.Data.Teacher ?? throw new InvalidOperationException("mode-strengths needs a linear-teacher dataset");
        var mlp = ctx.Model as Mlp ?? throw new InvalidOperationException("mode-strengths needs a linear network model");
        var w = mlp.EndToEnd(parameters.Tensors).ToDoubleArray();   // [out, in]
        int o = mlp.OutputSize, d = mlp.InputSize;
        var uu = teacher.U.ToDoubleArray();                          // [out, r]
        var vv = teacher.V.ToDoubleArray();                          // [in, r]
        int r = teacher.SingularValues.Length;
        var res = new double[r];
        for (int k = 0; k < r; k++)
        {
            double acc = 0;
            for (int i = 0; i < o; i++)
            {
                double row = 0;
                for (int j = 0; j < d; j++)
                {
                    row += w[i * d + j] * vv[j * r + k];
                }
                acc += uu[i * r + k] * row;
            }
            res[k] = acc;
        }
        return res;
    }
}

/// <summary>
/// <c>balancedness</c>: ‖W_{l+1}ᵀW_{l+1} − W_l W_lᵀ‖_F for each consecutive pair (balancedness/l).
/// Conserved exactly by gradient flow on linear networks (Arora, Cohen and Hazan 2018, Thm 1; Du,
/// Hu and Lee 2018); under GD with step η it moves by η²(G_{l+1}ᵀG_{l+1} − G_l G_lᵀ) per step.
/// </summary>
public sealed class BalancednessProbe<T> : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Kind => "balancedness";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        var weights = Enumerable.Range(0, ctx.Params.Count).Where(i => ctx.Model.Parameters[i] is { IsBias: false }).Select(i => ctx.Params[i]).ToArray();
        for (int l = 0; l + 1 < weights.Length; l++)
        {
            sink.Write(ctx.Step, ctx.Time, $"balancedness/{l}", Balancedness.Norm(weights[l], weights[l + 1]));
        }
    }
}

public static class Balancedness
{
    /// <summary>D = W_{l+1}ᵀW_{l+1} − W_l W_lᵀ (a d_{l+1} x d_{l+1} matrix).</summary>
    public static Tensor<T> Matrix<T>(Tensor<T> wl, Tensor<T> wNext) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var _ = Autodiff.GradMode.NoGrad();
        return Tensor.Sub(Tensor.MatMul(wNext, wNext, transA: true), Tensor.MatMul(wl, wl, transB: true));
    }

    public static double Norm<T>(Tensor<T> wl, Tensor<T> wNext) where T : unmanaged, IFloatingPointIeee754<T> =>
        Math.Sqrt(Norms.SquaredNorm(Matrix(wl, wNext).Span));
}

/// <summary>
/// <c>theory</c>: the closed-form prediction where one exists. For a deep linear network on a
/// whitened linear teacher it writes theory/mode/k = Saxe et al.'s u_k(t) for L weight matrices,
/// started from the modes of θ₀ at t = 0, and theory/max_rel_error = max_k |u_k − u_k^theory| / s_k
/// (the agreement metric; the run's summary keeps its maximum over the run). Writes nothing when
/// the inputs are not whitened ((1/n)XᵀX ≠ I), where these closed forms do not apply. Stateless apart from
/// a cache of the L &gt; 2 ODE solution, so resumed runs need nothing restored.
/// </summary>
public sealed class TheoryProbe<T> : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private bool? _whitened;
    private double[]? _u0;
    private double[]? _uTheory;  // the L > 2 ODE state at _tTheory, advanced incrementally between records
    private double _tTheory;

    public string Kind => "theory";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        if (ctx.Data.Teacher is not { } teacher || ctx.Model is not Mlp { Activation: Activation.Linear, Bias: false } mlp)
        {
            return; // no closed form for this setting
        }
        // The closed forms assume whitened inputs, (1/n) XᵀX = I (Saxe et al. 2014, Σ_xx = I).
        _whitened ??= IsWhitened(ctx.Data.Train.X);
        if (_whitened == false)
        {
            return;
        }
        var u = ModeStrengths.Measure(ctx, ctx.Params);
        _u0 ??= ModeStrengths.Measure(ctx, ctx.Initial);
        if (_uTheory is null || ctx.Time < _tTheory)
        {
            _uTheory = (double[])_u0.Clone();
            _tTheory = 0;
        }
        double worst = 0;
        for (int k = 0; k < u.Length; k++)
        {
            double s = teacher.SingularValues[k];
            double th = mlp.Layers <= 2
                ? SaxeModeDynamics.Trajectory(s, _u0[k], mlp.Layers, [ctx.Time])[0]
                : _uTheory[k] = SaxeModeDynamics.Advance(s, _uTheory[k], mlp.Layers, _tTheory, ctx.Time);
            sink.Write(ctx.Step, ctx.Time, $"theory/mode/{k + 1}", th);
            worst = Math.Max(worst, Math.Abs(u[k] - th) / s);
        }
        _tTheory = ctx.Time;
        sink.Write(ctx.Step, ctx.Time, "theory/max_rel_error", worst);
    }

    private static bool IsWhitened(Tensor<T> x)
    {
        var c = Tensor.MulScalar(Tensor.MatMul(x, x, transA: true), 1.0 / x.Shape[0]).ToDoubleArray();
        int d = x.Shape[1];
        double tol = typeof(T) == typeof(float) ? 1e-4 : 1e-9;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                if (Math.Abs(c[i * d + j] - (i == j ? 1 : 0)) > tol)
                {
                    return false;
                }
            }
        }
        return true;
    }
}
