using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Probes;

/// <summary><c>loss</c>: loss/train (full training set) and loss/test when a test split exists.</summary>
public sealed class LossProbe<T> : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Kind => "loss";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        sink.Write(ctx.Step, ctx.Time, "loss/train", ctx.FullBatch.Loss);
        if (ctx.Data.Test is { } test)
        {
            sink.Write(ctx.Step, ctx.Time, "loss/test", ctx.Evaluate(test).Loss);
        }
    }
}

/// <summary><c>accuracy</c>: accuracy/train and accuracy/test (argmax, or sign for one output).</summary>
public sealed class AccuracyProbe<T> : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Kind => "accuracy";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        sink.Write(ctx.Step, ctx.Time, "accuracy/train", ctx.Evaluate(ctx.Data.Train).Accuracy);
        if (ctx.Data.Test is { } test)
        {
            sink.Write(ctx.Step, ctx.Time, "accuracy/test", ctx.Evaluate(test).Accuracy);
        }
    }
}

/// <summary><c>grad-norm</c>: ‖∇L(θ)‖ of the full-batch loss, global (grad_norm) and per tensor (grad_norm/&lt;name&gt;).</summary>
public sealed class GradNormProbe<T> : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Kind => "grad-norm";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        var g = ctx.FullBatch.Grad;
        double total = 0;
        for (int i = 0; i < g.Length; i++)
        {
            double s = Norms.SquaredNorm(g[i].Span);
            total += s;
            sink.Write(ctx.Step, ctx.Time, "grad_norm/" + ctx.Params.Names[i], Math.Sqrt(s));
        }
        sink.Write(ctx.Step, ctx.Time, "grad_norm", Math.Sqrt(total));
    }
}

/// <summary><c>param-norm</c>: ‖θ‖ (param_norm) and per tensor.</summary>
public sealed class ParamNormProbe<T> : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Kind => "param-norm";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        double total = 0;
        for (int i = 0; i < ctx.Params.Count; i++)
        {
            double s = Norms.SquaredNorm(ctx.Params[i].Span);
            total += s;
            sink.Write(ctx.Step, ctx.Time, "param_norm/" + ctx.Params.Names[i], Math.Sqrt(s));
        }
        sink.Write(ctx.Step, ctx.Time, "param_norm", Math.Sqrt(total));
    }
}

/// <summary><c>distance-from-init</c>: ‖θ − θ₀‖ (small in the lazy/NTK regime, Chizat et al. 2019).</summary>
public sealed class DistanceFromInitProbe<T> : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Kind => "distance-from-init";

    public void Record(ProbeContext<T> ctx, IMetricSink sink) =>
        sink.Write(ctx.Step, ctx.Time, "distance_from_init", Norms.Distance(ctx.Params, ctx.Initial));
}

/// <summary><c>update-norm</c>: ‖θ_k − θ_{k−1}‖, the size of the last update (skipped at the first record).</summary>
public sealed class UpdateNormProbe<T> : IProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Kind => "update-norm";

    public void Record(ProbeContext<T> ctx, IMetricSink sink)
    {
        if (ctx.Previous is { } prev)
        {
            sink.Write(ctx.Step, ctx.Time, "update_norm", Norms.Distance(ctx.Params, prev));
        }
    }
}

internal static class Norms
{
    public static double SquaredNorm<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        foreach (var v in x)
        {
            double d = double.CreateTruncating(v);
            s += d * d;
        }
        return s;
    }

    public static double Distance<T>(Nn.ParamSet<T> a, Nn.ParamSet<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        for (int i = 0; i < a.Count; i++)
        {
            var x = a[i].Span;
            var y = b[i].Span;
            for (int j = 0; j < x.Length; j++)
            {
                double d = double.CreateTruncating(x[j]) - double.CreateTruncating(y[j]);
                s += d * d;
            }
        }
        return Math.Sqrt(s);
    }

    /// <summary>A matrix parameter as a row-major double array with its dimensions.</summary>
    public static (double[] A, int Rows, int Cols) Matrix<T>(Tensor<T> t) where T : unmanaged, IFloatingPointIeee754<T> =>
        (t.ToDoubleArray(), t.Shape[0], t.Rank > 1 ? t.Shape[1] : 1);
}
