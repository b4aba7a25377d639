using System.Numerics;

namespace Gradscope.Optim;

/// <summary>
/// The named optimisers as chains of transforms, with PyTorch's conventions and defaults:
/// <code>
/// gd, sgd   = chain(clip?, decay?, scale_by_learning_rate)
/// momentum  = chain(clip?, decay?, trace(μ), scale_by_learning_rate)
/// nesterov  = chain(clip?, decay?, trace(μ, nesterov), scale_by_learning_rate)
/// adam      = chain(clip?, decay?, scale_by_adam(β1, β2, ε), scale_by_learning_rate)
/// adamw     = chain(clip?, scale_by_adam(β1, β2, ε), scale_by_learning_rate, decoupled_weight_decay(λ))
/// rmsprop   = chain(clip?, decay?, scale_by_rms(α, ε, μ), scale_by_learning_rate)
/// adagrad   = chain(clip?, decay?, scale_by_adagrad(ε, lr_decay), scale_by_learning_rate)
/// </code>
/// gd and sgd are the same transform: "stochastic" is the trainer's minibatching.
/// </summary>
public static class Optimizers
{
    public static readonly string[] Kinds = ["gd", "sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"];

    /// <summary>PyTorch's default learning rate for a kind, or null where PyTorch requires one (SGD).</summary>
    public static double? DefaultLr(string kind) => kind switch
    {
        "adam" or "adamw" => 1e-3,
        "rmsprop" or "adagrad" => 1e-2,
        _ => null,
    };

    /// <summary>The schedule of learning rates the options describe (what the trainer sums into training time).</summary>
    public static Schedule LearningRate(OptimizerOptions o)
    {
        double lr = o.Lr ?? DefaultLr(o.Kind) ?? throw new ArgumentException($"optimizer.lr: required for kind '{o.Kind}'");
        if (!(lr > 0) || double.IsInfinity(lr))
        {
            throw new ArgumentException($"optimizer.lr: must be > 0, got {lr}");
        }
        return o.Schedule is null ? new ConstantSchedule(lr) : Schedules.Create(o.Schedule, lr);
    }

    /// <exception cref="ArgumentException">Unknown kind or invalid value, naming the field and the allowed values.</exception>
    public static GradientTransformation<T> Create<T>(OptimizerOptions o) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Array.IndexOf(Kinds, o.Kind) < 0)
        {
            throw new ArgumentException(o.Kind == "flow"
                ? "optimizer.kind: 'flow' is integrated by Gradscope.Optim.Flow (rk4 | dopri5), not a gradient transformation"
                : $"optimizer.kind: must be one of {string.Join(" | ", Kinds)}, got '{o.Kind}'");
        }
        var schedule = LearningRate(o);
        double wd = o.WeightDecay ?? (o.Kind == "adamw" ? 1e-2 : 0);
        Check(wd >= 0, "optimizer.weight_decay: must be >= 0", wd);
        Check(o.Beta1 >= 0 && o.Beta1 < 1, "optimizer.beta1: must lie in [0, 1)", o.Beta1);
        Check(o.Beta2 >= 0 && o.Beta2 < 1, "optimizer.beta2: must lie in [0, 1)", o.Beta2);
        Check(o.Alpha >= 0 && o.Alpha <= 1, "optimizer.alpha: must lie in [0, 1]", o.Alpha);
        double eps = o.Eps ?? (o.Kind == "adagrad" ? 1e-10 : 1e-8);
        Check(eps >= 0, "optimizer.eps: must be >= 0", eps);
        double momentum = o.Momentum ?? (o.Kind is "momentum" or "nesterov" ? 0.9 : 0);
        Check(momentum >= 0, "optimizer.momentum: must be >= 0", momentum);
        if (o.Momentum is not null && o.Kind is not ("momentum" or "nesterov" or "rmsprop"))
        {
            throw new ArgumentException($"optimizer.momentum: not used by kind '{o.Kind}' (use momentum, nesterov or rmsprop)");
        }

        var chain = new List<GradientTransformation<T>>();
        if (o.ClipValue is { } cv)
        {
            Check(cv > 0, "optimizer.clip_value: must be > 0", cv);
            chain.Add(new ClipByValue<T>(cv));
        }
        if (o.ClipNorm is { } cn)
        {
            Check(cn > 0, "optimizer.clip_norm: must be > 0", cn);
            chain.Add(new ClipByGlobalNorm<T>(cn));
        }
        if (wd > 0 && o.Kind != "adamw")
        {
            chain.Add(new AddDecayedWeights<T>(wd));
        }
        switch (o.Kind)
        {
            case "momentum":
            case "nesterov":
                chain.Add(new Trace<T>(momentum, nesterov: o.Kind == "nesterov"));
                break;
            case "adam":
            case "adamw":
                chain.Add(new ScaleByAdam<T>(o.Beta1, o.Beta2, eps));
                break;
            case "rmsprop":
                chain.Add(new ScaleByRms<T>(o.Alpha, eps, momentum));
                break;
            case "adagrad":
                Check(o.LrDecay >= 0, "optimizer.lr_decay: must be >= 0", o.LrDecay);
                Check(o.InitialAccumulator >= 0, "optimizer.initial_accumulator: must be >= 0", o.InitialAccumulator);
                chain.Add(new ScaleByAdagrad<T>(eps, o.LrDecay, o.InitialAccumulator));
                break;
            default:
                break;
        }
        chain.Add(new ScaleByLearningRate<T>(schedule));
        if (o.Kind == "adamw" && wd > 0)
        {
            chain.Add(new DecoupledWeightDecay<T>(wd, schedule));
        }
        return new Chain<T>([.. chain]);
    }

    private static void Check(bool ok, string message, double got)
    {
        if (!ok)
        {
            throw new ArgumentException($"{message}, got {got}");
        }
    }
}
