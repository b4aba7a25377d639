using System.Numerics;
using Gradscope.Data;
using Gradscope.Lab.Spec;
using Gradscope.Nn;
using Gradscope.Optim;
using Gradscope.Optim.Flow;
using Gradscope.Probes;
using Gradscope.Probes.Curvature;
using Gradscope.Random;
using Gradscope.Theory;
using Gradscope.Training;

namespace Gradscope.Lab;

/// <summary>
/// Spec → experiment. Randomness: the root key RngKey.FromSeed(seed) is folded with 1 for the
/// data, 2 for the initial parameters, 3 for the minibatch order and 4 for the probes' own
/// randomness (folded again with the probe's index), so changing the batch size or adding a
/// probe never changes the data or θ₀.
/// </summary>
public static class ExperimentBuilder
{
    public static Experiment<T> Build<T>(ExperimentSpec spec) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var root = RngKey.FromSeed(spec.Seed);
        Dataset<T> data;
        try
        {
            data = DatasetFactory.Create<T>(DataOptionsOf(spec.Data), root.Fold(1));
        }
        catch (DataException e)
        {
            throw new BadInputException(e.Message, e);
        }
        catch (IOException e)
        {
            throw new BadInputException($"data: {e.Message}", e);
        }

        var w = spec.Model.Widths;
        if (w[0] != data.InputSize)
        {
            throw new BadInputException($"model.widths.0: the data has {data.InputSize} inputs but the first width is {w[0]}");
        }
        if (w[^1] != data.OutputSize)
        {
            throw new BadInputException($"model.widths.{w.Count - 1}: the data has {data.OutputSize} outputs{(data.Task == TaskKind.Classification ? " (classes)" : "")} but the last width is {w[^1]}");
        }
        var model = new Mlp(w, spec.Model.Activation, spec.Model.Bias, spec.Model.Parameterization);
        ParamSet<T> initial;
        try
        {
            initial = spec.Model.InitFrom is { } path
                ? Initializer.FromFile<T>(model, path)
                : Initializer.Create<T>(model, InitOptionsOf(spec.Model.Init), root.Fold(2), data.Teacher);
        }
        catch (Exception e) when (e is ArgumentException or IOException or KeyNotFoundException)
        {
            throw new BadInputException(e.Message.StartsWith("model.", StringComparison.Ordinal) ? e.Message : "model.init: " + e.Message, e);
        }

        var probesSpec = spec.Probes;
        if (spec.IsFlow)
        {
            var o = spec.Optimizer;
            double time = spec.Time ?? throw new BadInputException("time: required for optimizer.kind flow");
            Func<FlowStepper<T>> stepper = o.Method == FlowMethod.Rk4
                ? () => new Rk4<T>(o.Dt ?? throw new BadInputException("optimizer.dt: required for method rk4"))
                : () => new Dopri5<T>(new Dopri5Options { Rtol = o.Rtol ?? 1e-8, Atol = o.Atol ?? 1e-10 });
            var probes = probesSpec.Select((p, i) => ProbeSchedule<T>.EveryTimeInterval(CreateProbe<T>(p, spec, root.Fold(4).Fold((ulong)i)), p.Every ?? time / 200)).ToArray();
            return new Experiment<T>
            {
                Spec = spec,
                Model = model,
                Data = data,
                Initial = initial,
                TotalTime = time,
                Flow = new FlowTrainer<T>(new FlowTrainerOptions<T>
                {
                    Model = model,
                    Data = data,
                    Loss = spec.Loss,
                    Stepper = stepper,
                    Time = time,
                    Probes = probes,
                    LossAbove = spec.Divergence.LossAbove,
                    CheckpointEvery = spec.Checkpoints.Every ?? 0,
                }),
            };
        }

        GradientTransformation<T> transform;
        Schedule schedule;
        var options = OptimizerOptionsOf(spec);
        try
        {
            transform = Optimizers.Create<T>(options);
            schedule = Optimizers.LearningRate(options);
        }
        catch (ArgumentException e)
        {
            throw new BadInputException(e.Message, e);
        }
        int n = data.Train.Count;
        int? batch = spec.Optimizer.BatchSize;
        if (batch > n)
        {
            throw new BadInputException($"optimizer.batch_size: {batch} exceeds the {n} training samples");
        }
        long steps = spec.Steps ?? (spec.Epochs is { } epochs ? epochs * ((n + (batch ?? n) - 1) / (batch ?? n)) : 0);
        var schedules = probesSpec.Select((p, i) => (p, Probe: CreateProbe<T>(p, spec, root.Fold(4).Fold((ulong)i)))).Select(x => x.p.Log is { } pts
            ? ProbeSchedule<T>.LogSpaced(x.Probe, pts, steps)
            : ProbeSchedule<T>.EverySteps(x.Probe, (long)Math.Max(1, Math.Round(x.p.Every ?? 1)))).ToArray();
        return new Experiment<T>
        {
            Spec = spec,
            Model = model,
            Data = data,
            Initial = initial,
            TotalSteps = steps,
            Trainer = new Trainer<T>(new TrainerOptions<T>
            {
                Model = model,
                Data = data,
                Loss = spec.Loss,
                Optimizer = transform,
                LearningRate = schedule.At,
                Steps = steps,
                BatchSize = batch,
                ShuffleKey = root.Fold(3),
                LossAbove = spec.Divergence.LossAbove,
                CheckpointEvery = spec.Checkpoints.Every ?? 0,
                Probes = schedules,
            }),
        };
    }

    public static IProbe<T> CreateProbe<T>(ProbeSpec p, ExperimentSpec spec, RngKey key) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var curvature = new CurvatureSettings(p.Samples, p.Tol ?? CurvatureSettings.DefaultTolerance, CurvatureSettings.DefaultChunkSize, key);
        return p.Kind switch
        {
            ProbeKind.Loss => new LossProbe<T>(),
            ProbeKind.Accuracy => new AccuracyProbe<T>(),
            ProbeKind.GradNorm => new GradNormProbe<T>(),
            ProbeKind.ParamNorm => new ParamNormProbe<T>(),
            ProbeKind.DistanceFromInit => new DistanceFromInitProbe<T>(),
            ProbeKind.UpdateNorm => new UpdateNormProbe<T>(),
            ProbeKind.SingularValues => new SingularValuesProbe<T>(p.Top ?? int.MaxValue),
            ProbeKind.ModeStrengths => new ModeStrengthsProbe<T>(),
            ProbeKind.Balancedness => new BalancednessProbe<T>(),
            ProbeKind.Theory => new TheoryProbe<T>(),
            ProbeKind.Sharpness => new SharpnessProbe<T>(curvature, p.Top, p.Bottom, p.PerLayer ?? false, SharpnessThreshold(spec.Optimizer)),
            ProbeKind.HessianTrace => new HessianTraceProbe<T>(curvature, p.Vectors ?? HessianTraceProbe<T>.DefaultProbes),
            ProbeKind.HessianDensity => new HessianDensityProbe<T>(curvature, p.Vectors ?? HessianDensityProbe<T>.DefaultProbes,
                p.LanczosSteps ?? HessianDensityProbe<T>.DefaultSteps, p.Points ?? HessianDensityProbe<T>.DefaultPoints, p.Sigma),
            ProbeKind.GradientSubspace => new GradientSubspaceProbe<T>(curvature, p.Top),
            ProbeKind.PreconditionedSharpness => new PreconditionedSharpnessProbe<T>(curvature),
            ProbeKind.Roughness => new RoughnessProbe<T>(p.Directions ?? Landscape.RoughnessIndex.DefaultDirections,
                (p.Points + 1) ?? Landscape.RoughnessIndex.DefaultPoints, p.Radius ?? Landscape.RoughnessIndex.DefaultRadius, key),
            _ => throw new BadInputException($"probes: kind '{SpecNames.Kebab(p.Kind)}' is not available yet"),
        };
    }

    /// <summary>The stability limit on plain sharpness for η (Cohen et al. 2021): GD 2/η, heavy ball (2+2β)/η, Nesterov (2+2β)/((1+2β)η); none for adaptive methods and flow.</summary>
    /// <remarks>The final record has no step after it (η = NaN): no threshold there.</remarks>
    private static Func<double, double?>? SharpnessThreshold(OptimizerSpec o) => o.Kind switch
    {
        OptimizerKind.Gd or OptimizerKind.Sgd => lr => Positive(lr) ? StabilityThresholds.Gd(lr) : null,
        OptimizerKind.Momentum => lr => Positive(lr) ? StabilityThresholds.HeavyBall(lr, o.Momentum ?? 0) : null,
        OptimizerKind.Nesterov => lr => Positive(lr) ? StabilityThresholds.Nesterov(lr, o.Momentum ?? 0) : null,
        _ => null,
    };

    private static bool Positive(double lr) => double.IsFinite(lr) && lr > 0;

    /// <summary>Only the fields the spec set reach the data layer (it rejects options a kind does not use).</summary>
    public static DataOptions DataOptionsOf(DataSpec d) => new()
    {
        Kind = SpecNames.Kebab(d.Kind),
        Inputs = d.Inputs,
        Outputs = d.Outputs,
        Samples = d.Samples,
        TestSamples = d.TestSamples > 0 ? d.TestSamples : null,   // the spec's 0 means "no test split"
        SingularValues = d.SingularValues?.ToArray(),
        Whiten = d.Whiten,
        Noise = d.Noise,
        Hidden = d.Hidden,
        TeacherActivation = d.TeacherActivation is { } a ? Activations.Name(a) : null,
        Depth = d.Depth,
        Degree = d.Degree,
        Classes = d.Classes,
        ClassList = d.ClassList?.ToArray(),
        Separation = d.Separation,
        Std = d.Std,
        Path = d.Path,
        TestPath = d.TestPath,
        TargetColumns = d.TargetColumns?.ToArray(),
        LabelColumn = d.LabelColumn,
        Header = d.Header,
        Dir = d.Dir,
        TrainSamples = d.TrainSamples,
        Standardize = d.Standardize is { } s ? SpecNames.Kebab(s) : null,
        TestFraction = d.TestFraction > 0 ? d.TestFraction : null,
        SplitSeed = d.SplitSeed,
    };

    public static InitOptions InitOptionsOf(InitSpec i) => new()
    {
        Kind = SpecNames.Kebab(i.Kind),
        Std = i.Std,
        Low = i.Low,
        High = i.High,
        Gain = i.Gain,
        Scale = i.Scale,
        BiasInit = SpecNames.Kebab(i.BiasInit),
    };

    public static OptimizerOptions OptimizerOptionsOf(ExperimentSpec spec)
    {
        var o = spec.Optimizer;
        var b = o.Betas;
        return new OptimizerOptions
        {
            Kind = SpecNames.Kebab(o.Kind),
            Lr = o.Lr,
            Momentum = o.Momentum,
            Beta1 = b is { Count: 2 } ? b[0] : 0.9,
            Beta2 = b is { Count: 2 } ? b[1] : 0.999,
            Eps = o.Eps,
            WeightDecay = o.WeightDecay,
            Alpha = o.Alpha ?? 0.99,
            ClipNorm = o.ClipNorm,
            ClipValue = o.ClipValue,
            Schedule = o.Schedule is { } s ? new ScheduleOptions
            {
                Kind = SpecNames.Kebab(s.Kind),
                WarmupSteps = s.WarmupSteps,
                WarmupInitLr = s.WarmupInitLr,
                StepSize = s.StepSize,
                Gamma = s.Gamma,
                FinalLr = s.FinalLr ?? 0,
                T0 = s.T0,
                TMult = s.TMult ?? 1,
                TotalSteps = spec.Steps,
            } : null,
        };
    }
}
