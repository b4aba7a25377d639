using Gradscope.Losses;
using Gradscope.Nn;
using static Gradscope.Lab.Spec.SpecType;

namespace Gradscope.Lab.Spec;

/// <summary>
/// The one source of truth of the spec vocabulary: sections, keys (with the kinds they apply to,
/// type, constraint, default and meaning) and the allowed values of every enumeration with a
/// description each. The binder validates against it, <see cref="SpecSchema"/> turns it into a
/// JSON Schema and <see cref="SpecDocs"/> into the reference of docs/spec.md. Rules that tie
/// several keys together live in <see cref="SpecChecks"/> and are described in <see cref="Rules"/>.
/// </summary>
public static class SpecTable
{
    public const string Root = "";
    public const string Data = "data";
    public const string Model = "model";
    public const string Init = "init";
    public const string Optimizer = "optimizer";
    public const string Schedule = "schedule";
    public const string Probe = "probe";
    public const string Checkpoints = "checkpoints";
    public const string Divergence = "divergence";

    /// <summary>Run names: safe in file names, URLs and SQL without quoting.</summary>
    public const string NamePattern = "^[a-z0-9][a-z0-9._-]{0,127}$";

    /// <summary>Debian's dataset-fashion-mnist installs the IDX files here.</summary>
    public const string FashionMnistDir = "/usr/share/datasets/fashion-mnist";

    /// <summary>Default number of records of a probe over a run (when it gives neither every nor log).</summary>
    public const int DefaultRecords = 200;

    public static IReadOnlyList<SpecSection> Sections { get; } =
    [
        new(Root, "", typeof(ExperimentSpec), null, "The experiment: name, seed, data, model, loss, optimiser, run length and what to measure."),
        new(Data, "data", typeof(DataSpec), typeof(DataKind), "The dataset: generated from the seed, or read from files."),
        new(Model, "model", typeof(ModelSpec), typeof(ModelKind), "The network."),
        new(Init, "model.init", typeof(InitSpec), typeof(InitKind), "How the initial parameters are drawn (ignored when model.init_from is given)."),
        new(Optimizer, "optimizer", typeof(OptimizerSpec), typeof(OptimizerKind), "The optimiser, or exact gradient flow."),
        new(Schedule, "optimizer.schedule", typeof(ScheduleSpec), typeof(ScheduleKind), "Learning-rate schedule (discrete optimisers); any kind may start with a linear warm-up."),
        new(Probe, "probes[]", typeof(ProbeSpec), typeof(ProbeKind), "One measurement and when to record it."),
        new(Checkpoints, "checkpoints", typeof(CheckpointSpec), null, "Checkpoints (parameters and optimiser state, safetensors); step 0 and the final step are always saved."),
        new(Divergence, "divergence", typeof(DivergenceSpec), null, "When a run counts as diverged (it then stops with status diverged, keeping its metrics)."),
    ];

    private static readonly Enum[] Generated = [DataKind.LinearTeacher, DataKind.TeacherStudent, DataKind.Orthogonal, DataKind.GaussianMixture];
    private static readonly Enum[] FileKinds = [DataKind.Tensors, DataKind.Csv];
    private static readonly Enum[] Discrete =
    [
        OptimizerKind.Gd, OptimizerKind.Sgd, OptimizerKind.Momentum, OptimizerKind.Nesterov, OptimizerKind.Adam,
        OptimizerKind.Adamw, OptimizerKind.Rmsprop, OptimizerKind.Adagrad,
    ];

    private static Enum[] DiscreteExcept(params Enum[] except) => Discrete.Where(k => !except.Contains(k)).ToArray();

    public static IReadOnlyList<SpecField> Fields { get; } =
    [
        // ---- root ----
        new(Root, "name", SpecType.String, "Run name (stored with the run, used in listings and file names).") { Required = true, Pattern = NamePattern },
        new(Root, "seed", Long, "Seed of every random draw (data, initialisation, minibatch order); same seed, same run bit for bit.") { Default = 0L },
        new(Root, "dtype", SpecType.Enum, "Floating-point type of parameters and data.") { EnumType = typeof(DType), Default = DType.Float64, Property = "DType" },
        new(Root, "data", Section, "The dataset.") { Child = Data, Required = true },
        new(Root, "model", Section, "The network.") { Child = Model, Required = true },
        new(Root, "loss", SpecType.Enum, "Training loss; mse is the mean over samples of 0.5·‖f(x) − y‖².") { EnumType = typeof(LossKind), Default = LossKind.Mse },
        new(Root, "optimizer", Section, "The optimiser.") { Child = Optimizer, Required = true },
        new(Root, "steps", Long, "Number of optimiser steps (discrete optimisers: give steps or epochs). 0 only evaluates the initial point (probes record step 0).") { Range = SpecRange.NonNegative },
        new(Root, "epochs", Long, "Number of passes over the training split (discrete optimisers, instead of steps).") { Range = SpecRange.NonNegative },
        new(Root, "time", SpecType.Double, "Integration time T of gradient flow (optimizer.kind flow only, instead of steps).") { Range = SpecRange.NonNegative },
        new(Root, "probes", SectionList, "What to measure and when.") { Child = Probe, DefaultNote = "[{kind: loss}] (recorded about 200 times)" },
        new(Root, "checkpoints", Section, "Extra checkpoints.") { Child = Checkpoints },
        new(Root, "divergence", Section, "Divergence detection.") { Child = Divergence },
        new(Root, "notes", SpecType.String, "Free text, stored with the run."),

        // ---- data ----
        new(Data, "kind", SpecType.Enum, "Which dataset.") { EnumType = typeof(DataKind), Required = true },
        new(Data, "inputs", Int, "Input dimension d.") { Kinds = Generated, Range = SpecRange.Positive, DefaultNote = "model.widths[0]" },
        new(Data, "outputs", Int, "Output dimension k.") { Kinds = [DataKind.LinearTeacher, DataKind.TeacherStudent], Range = SpecRange.Positive, DefaultNote = "last of model.widths" },
        new(Data, "samples", Int, "Number of training samples (orthogonal: samples + test_samples at most inputs).") { Kinds = Generated, Required = true, Range = SpecRange.Positive },
        new(Data, "test_samples", Int, "Extra samples drawn fresh from the same distribution as the test split (0 = no test split).") { Kinds = Generated, Range = SpecRange.NonNegative, Default = 0 },
        new(Data, "test_samples", Int, "Size of the (seeded, class-balanced) subset of the t10k test files.") { Kinds = [DataKind.FashionMnist], Range = SpecRange.Positive, DefaultNote = "all of the selected classes" },
        new(Data, "singular_values", DoubleList, "The teacher's singular values s, non-increasing; A = U diag(s) Vᵀ with random orthonormal U, V; at most min(inputs, outputs) of them.") { Kinds = [DataKind.LinearTeacher], Required = true, MinCount = 1, Range = SpecRange.Positive },
        new(Data, "whiten", Bool, "Make the training inputs exactly white, (1/n) XᵀX = I (needs samples >= inputs).") { Kinds = [DataKind.LinearTeacher], Default = false },
        new(Data, "noise", SpecType.Double, "Standard deviation of Gaussian noise added to the targets.") { Kinds = [DataKind.LinearTeacher, DataKind.TeacherStudent], Range = SpecRange.NonNegative, Default = 0.0 },
        new(Data, "hidden", Int, "Hidden width of the teacher network y = W₂ σ(W₁ x).") { Kinds = [DataKind.TeacherStudent], Required = true, Range = SpecRange.Positive },
        new(Data, "teacher_activation", SpecType.Enum, "The teacher's activation σ.") { Kinds = [DataKind.TeacherStudent], EnumType = typeof(Activation), Default = Activation.Relu },
        new(Data, "depth", Int, "Depth D of the binary tree of Saxe et al.'s hierarchical dataset: 2^D items (one-hot inputs), one feature per tree node (2^(D+1) − 1 outputs).") { Kinds = [DataKind.Hierarchical], Required = true, Range = new(1, false, 16, false) },
        new(Data, "samples", Int, "Number of training points x_i, equally spaced on [−1, 1] with both ends (Cohen et al. 2021 use 20).") { Kinds = [DataKind.Chebyshev], Range = SpecRange.AtLeast(2), Default = 20 },
        new(Data, "degree", Int, "Degree k of the target y = T_k(x), the Chebyshev polynomial of the first kind (T_5 = 16x⁵ − 20x³ + 5x).") { Kinds = [DataKind.Chebyshev], Range = SpecRange.NonNegative, Default = 5 },
        new(Data, "test_samples", Int, "Points of a second equally spaced grid on [−1, 1] as the test split (0 = no test split; otherwise at least 2).") { Kinds = [DataKind.Chebyshev], Range = SpecRange.NonNegative, Default = 0 },
        new(Data, "classes", Int, "Number of clusters (one per class; at most inputs: the means lie along orthogonal directions).") { Kinds = [DataKind.GaussianMixture], Required = true, Range = SpecRange.AtLeast(2) },
        new(Data, "classes", Int, "Number of classes (labels 0..classes-1); csv: only with label_column.") { Kinds = FileKinds, Range = SpecRange.AtLeast(2), DefaultNote = "max label + 1" },
        new(Data, "classes", IntList, "The class indices (0..9) to keep, relabelled 0..k-1 in the order given.") { Kinds = [DataKind.FashionMnist], Property = nameof(DataSpec.ClassList), MinCount = 2, MaxCount = 10, Range = new(0, false, 9, false), DefaultNote = "all ten" },
        new(Data, "separation", SpecType.Double, "Distance between any two cluster means.") { Kinds = [DataKind.GaussianMixture], Range = SpecRange.Positive, Default = 4.0 },
        new(Data, "std", SpecType.Double, "Standard deviation of each (isotropic) cluster.") { Kinds = [DataKind.GaussianMixture], Range = SpecRange.Positive, Default = 1.0 },
        new(Data, "path", SpecType.Path, "The training file (tensors: safetensors with x [n,d] and y [n,k] float or [n] int64 labels; csv: one sample per row).") { Kinds = FileKinds, Required = true },
        new(Data, "test_path", SpecType.Path, "An optional test file with the same layout.") { Kinds = FileKinds },
        new(Data, "target_columns", StringList, "Regression target columns (header names, or 0-based indices when header is false); the others are inputs.") { Kinds = [DataKind.Csv], MinCount = 1 },
        new(Data, "label_column", SpecType.String, "The integer class-label column (classification); the others are inputs.") { Kinds = [DataKind.Csv] },
        new(Data, "header", Bool, "Whether the first row names the columns.") { Kinds = [DataKind.Csv], Default = true },
        new(Data, "dir", SpecType.String, "Directory of the four IDX .gz files (Debian package dataset-fashion-mnist).") { Kinds = [DataKind.FashionMnist], Default = FashionMnistDir },
        new(Data, "train_samples", Int, "Size of the (seeded, class-balanced) training subset.") { Kinds = [DataKind.FashionMnist], Range = SpecRange.Positive, DefaultNote = "all of the selected classes" },
        new(Data, "standardize", SpecType.Enum, "Input standardisation with training-split statistics (true = global, false = none, per-pixel = per-feature).") { Kinds = [DataKind.FashionMnist, DataKind.Tensors, DataKind.Csv], EnumType = typeof(Standardize), Default = Standardize.None },
        new(Data, "test_fraction", SpecType.Double, "Fraction f of the samples held out as the test split: round(f·n) of them, chosen with split_seed (0 = none).") { Range = SpecRange.UnitOpen, Default = 0.0 },
        new(Data, "split_seed", Long, "Seed of the hold-out split, to fix the split while the data vary (or the reverse).") { DefaultNote = "derived from seed" },

        // ---- model ----
        new(Model, "kind", SpecType.Enum, "Which network.") { EnumType = typeof(ModelKind), Required = true },
        new(Model, "widths", IntList, "Every layer width, input first, output last.") { Required = true, MinCount = 2, Range = SpecRange.Positive },
        new(Model, "activation", SpecType.Enum, "Pointwise nonlinearity between layers (none after the last).") { Kinds = [ModelKind.Mlp], EnumType = typeof(Activation), Default = Activation.Tanh },
        new(Model, "activation", SpecType.Enum, "Accepted and ignored: a deep linear network is linear (so the design notes' example, and specs switched between kinds with --set, load).") { Kinds = [ModelKind.DeepLinear], EnumType = typeof(Activation), Default = Activation.Linear },
        new(Model, "bias", Bool, "Whether layers have biases.") { Kinds = [ModelKind.DeepLinear], Default = false },
        new(Model, "bias", Bool, "Whether layers have biases.") { Kinds = [ModelKind.Mlp], Default = true },
        new(Model, "parameterization", SpecType.Enum, "How layer outputs are scaled.") { EnumType = typeof(Parameterization), Default = Parameterization.Standard },
        new(Model, "init", Section, "Initialisation.") { Child = Init },
        new(Model, "init_from", SpecType.Path, "A safetensors file with the initial parameters (names layers.{i}.weight [out,in], layers.{i}.bias [out]); not together with init.") ,

        // ---- model.init ----
        new(Init, "kind", SpecType.Enum, "The initialisation scheme.") { EnumType = typeof(InitKind), Default = InitKind.Default },
        new(Init, "std", SpecType.Double, "Standard deviation of every weight.") { Kinds = [InitKind.Normal], Required = true, Range = SpecRange.Positive },
        new(Init, "low", SpecType.Double, "Lower bound of every weight.") { Kinds = [InitKind.Uniform], Required = true },
        new(Init, "high", SpecType.Double, "Upper bound of every weight (> low).") { Kinds = [InitKind.Uniform], Required = true },
        new(Init, "gain", SpecType.Double, "Gain multiplying the scheme's standard deviation.") { Kinds = [InitKind.XavierNormal, InitKind.XavierUniform, InitKind.LecunNormal, InitKind.Orthogonal], Range = SpecRange.Positive, Default = 1.0 },
        new(Init, "gain", SpecType.Double, "Gain multiplying the scheme's standard deviation (√2 suits ReLU).") { Kinds = [InitKind.HeNormal, InitKind.HeUniform], Range = SpecRange.Positive, Default = Math.Sqrt(2) },
        new(Init, "scale", SpecType.Double, "Per-layer scale: every layer's singular values (balanced), or D_l = scale·I so each mode starts at scale^L (aligned).") { Kinds = [InitKind.Balanced, InitKind.Aligned], Required = true, Range = SpecRange.Positive },
        new(Init, "bias_init", SpecType.Enum, "How biases start: zeros, or PyTorch's default U(±1/√fan_in).") { EnumType = typeof(BiasInit), Default = BiasInit.Zeros },

        // ---- optimizer ----
        new(Optimizer, "kind", SpecType.Enum, "Which optimiser.") { EnumType = typeof(OptimizerKind), Required = true },
        new(Optimizer, "lr", SpecType.Double, "Learning rate (the peak rate under a schedule).") { Kinds = Discrete, Required = true, Range = SpecRange.Positive },
        new(Optimizer, "momentum", SpecType.Double, "Momentum μ (PyTorch convention v ← μv + g).") { Kinds = [OptimizerKind.Momentum, OptimizerKind.Nesterov], Range = SpecRange.UnitOpen, Default = 0.9 },
        new(Optimizer, "momentum", SpecType.Double, "Momentum μ of the update (PyTorch RMSprop).") { Kinds = [OptimizerKind.Rmsprop], Range = SpecRange.UnitOpen, Default = 0.0 },
        new(Optimizer, "betas", DoubleList, "[β1, β2]: decay rates of the first and second moment averages.") { Kinds = [OptimizerKind.Adam, OptimizerKind.Adamw], MinCount = 2, MaxCount = 2, Range = SpecRange.UnitOpen, Default = new ValueList<double>([0.9, 0.999]) },
        new(Optimizer, "eps", SpecType.Double, "Added to the denominator for stability.") { Kinds = [OptimizerKind.Adam, OptimizerKind.Adamw, OptimizerKind.Rmsprop], Range = SpecRange.Positive, Default = 1e-8 },
        new(Optimizer, "eps", SpecType.Double, "Added to the denominator for stability.") { Kinds = [OptimizerKind.Adagrad], Range = SpecRange.Positive, Default = 1e-10 },
        new(Optimizer, "weight_decay", SpecType.Double, "L2 penalty λ added to the gradient (λθ).") { Kinds = DiscreteExcept(OptimizerKind.Adamw), Range = SpecRange.NonNegative, Default = 0.0 },
        new(Optimizer, "weight_decay", SpecType.Double, "Decoupled weight decay λ (θ ← θ − lr·λθ, PyTorch AdamW).") { Kinds = [OptimizerKind.Adamw], Range = SpecRange.NonNegative, Default = 0.01 },
        new(Optimizer, "alpha", SpecType.Double, "Smoothing constant of the squared-gradient average.") { Kinds = [OptimizerKind.Rmsprop], Range = SpecRange.UnitOpen, Default = 0.99 },
        new(Optimizer, "batch_size", Int, "Minibatch size (seeded shuffling each epoch); at most the number of training samples.") { Kinds = DiscreteExcept(OptimizerKind.Gd), Range = SpecRange.Positive, DefaultNote = "full batch" },
        new(Optimizer, "clip_norm", SpecType.Double, "Rescale the gradient to this global L2 norm when larger.") { Kinds = Discrete, Range = SpecRange.Positive },
        new(Optimizer, "clip_value", SpecType.Double, "Clamp every gradient entry to [−v, v].") { Kinds = Discrete, Range = SpecRange.Positive },
        new(Optimizer, "schedule", Section, "Learning-rate schedule.") { Kinds = Discrete, Child = Schedule },
        new(Optimizer, "method", SpecType.Enum, "Integrator of dθ/dt = −∇L(θ).") { Kinds = [OptimizerKind.Flow], EnumType = typeof(FlowMethod), Default = FlowMethod.Dopri5 },
        new(Optimizer, "rtol", SpecType.Double, "Relative error tolerance per step (dopri5 only).") { Kinds = [OptimizerKind.Flow], Range = SpecRange.Positive, DefaultNote = "1e-8 with dopri5" },
        new(Optimizer, "atol", SpecType.Double, "Absolute error tolerance per step (dopri5 only).") { Kinds = [OptimizerKind.Flow], Range = SpecRange.Positive, DefaultNote = "1e-10 with dopri5" },
        new(Optimizer, "dt", SpecType.Double, "Fixed step in flow time (rk4 only, where it is required).") { Kinds = [OptimizerKind.Flow], Range = SpecRange.Positive },

        // ---- optimizer.schedule ----
        new(Schedule, "kind", SpecType.Enum, "The schedule.") { EnumType = typeof(ScheduleKind), Default = ScheduleKind.Constant },
        new(Schedule, "warmup_steps", Long, "Linear warm-up from warmup_init_lr to lr over this many steps (0 = none); the schedule starts after it.") { Range = SpecRange.NonNegative, Default = 0L },
        new(Schedule, "warmup_init_lr", SpecType.Double, "Learning rate at the start of the warm-up.") { Range = SpecRange.NonNegative, Default = 0.0 },
        new(Schedule, "step_size", Long, "Multiply the rate by gamma every step_size steps.") { Kinds = [ScheduleKind.Step], Required = true, Range = SpecRange.Positive },
        new(Schedule, "step_size", Long, "lr·gamma^(t/step_size).") { Kinds = [ScheduleKind.Exponential], Range = SpecRange.Positive, Default = 1L },
        new(Schedule, "gamma", SpecType.Double, "Decay factor.") { Kinds = [ScheduleKind.Step], Range = new(0, true, 1, false), Default = 0.1 },
        new(Schedule, "gamma", SpecType.Double, "Decay factor.") { Kinds = [ScheduleKind.Exponential], Required = true, Range = new(0, true, 1, false) },
        new(Schedule, "final_lr", SpecType.Double, "The rate reached at the end of the run (cosine, linear-decay) or of each cycle (sgdr).") { Kinds = [ScheduleKind.Cosine, ScheduleKind.LinearDecay, ScheduleKind.Sgdr], Range = SpecRange.NonNegative, Default = 0.0 },
        new(Schedule, "t0", Long, "Length in steps of the first cosine cycle (Loshchilov and Hutter 2017).") { Kinds = [ScheduleKind.Sgdr], Required = true, Range = SpecRange.Positive },
        new(Schedule, "t_mult", Long, "Factor by which each cycle is longer than the one before.") { Kinds = [ScheduleKind.Sgdr], Range = SpecRange.Positive, Default = 1L },

        // ---- probes[] ----
        new(Probe, "kind", SpecType.Enum, "The measurement.") { EnumType = typeof(ProbeKind), Required = true },
        new(Probe, "every", SpecType.Double, "Record every this many steps (a whole number), or under flow every this much flow time; not with log.") { Range = SpecRange.Positive, DefaultNote = "about 200 records: max(1, ⌊steps/200⌋), flow: time/200" },
        new(Probe, "log", Int, "Record at this many log-spaced steps (times) over the run instead of every.") { Range = SpecRange.Positive },
        new(Probe, "top", Int, "How many singular values per layer (the largest).") { Kinds = [ProbeKind.SingularValues], Range = SpecRange.Positive, DefaultNote = "all" },
        new(Probe, "top", Int, "Also record the k largest Hessian eigenvalues as hessian/eig/1..k.") { Kinds = [ProbeKind.Sharpness], Range = SpecRange.Positive, DefaultNote = "none: only sharpness" },
        new(Probe, "top", Int, "Dimension k of the top Hessian eigenspace.") { Kinds = [ProbeKind.GradientSubspace], Range = SpecRange.Positive, DefaultNote = "the number of outputs (classes), as Gur-Ari et al. 2018" },
        new(Probe, "bottom", Int, "Also record the k most negative Hessian eigenvalues as hessian/eig/min/1..k.") { Kinds = [ProbeKind.Sharpness], Range = SpecRange.Positive },
        new(Probe, "per_layer", Bool, "Also record the top eigenvalue of each layer's diagonal Hessian block as sharpness/layers.{i}.") { Kinds = [ProbeKind.Sharpness], Default = false },
        new(Probe, "tol", SpecType.Double, "Lanczos stops when every wanted pair has ‖Hv − λv‖ ≤ tol·|λ|.") { Kinds = [ProbeKind.Sharpness, ProbeKind.GradientSubspace, ProbeKind.PreconditionedSharpness], Range = SpecRange.Positive, Default = 1e-3 },
        new(Probe, "samples", Int, "Measure the Hessian of the loss over the first this many training samples.") { Kinds = [ProbeKind.Sharpness, ProbeKind.HessianTrace, ProbeKind.HessianDensity, ProbeKind.GradientSubspace, ProbeKind.PreconditionedSharpness], Range = SpecRange.Positive, DefaultNote = "all" },
        new(Probe, "vectors", Int, "Random Rademacher vectors (Hutchinson probes).") { Kinds = [ProbeKind.HessianTrace], Range = SpecRange.Positive, Default = 100 },
        new(Probe, "vectors", Int, "Random starting vectors of stochastic Lanczos quadrature.") { Kinds = [ProbeKind.HessianDensity], Range = SpecRange.Positive, Default = 5 },
        new(Probe, "lanczos_steps", Int, "Lanczos steps per vector (capped at the parameter count).") { Kinds = [ProbeKind.HessianDensity], Range = SpecRange.Positive, Default = 40 },
        new(Probe, "points", Int, "Grid points of the stored density.") { Kinds = [ProbeKind.HessianDensity], Range = new(2, false, 100000, false), Default = 200 },
        new(Probe, "directions", Int, "Random filter-normalised directions M of the roughness index (Wu et al. 2021).") { Kinds = [ProbeKind.Roughness], Range = SpecRange.AtLeast(2), Default = 100 },
        new(Probe, "points", Int, "Intervals m along each direction (m + 1 loss evaluations).") { Kinds = [ProbeKind.Roughness], Range = SpecRange.AtLeast(2), Default = 10 },
        new(Probe, "radius", SpecType.Double, "Half-width l of [−l, l] along each (filter-normalised) direction.") { Kinds = [ProbeKind.Roughness], Range = SpecRange.Positive, Default = 0.1 },
        new(Probe, "sigma", SpecType.Double, "Gaussian broadening of the density, in eigenvalue units.") { Kinds = [ProbeKind.HessianDensity], Range = SpecRange.Positive, DefaultNote = "1% of the width of the spectrum found" },

        // ---- checkpoints, divergence ----
        new(Checkpoints, "every", Long, "Also save every this many steps (integrator steps under flow).") { Range = SpecRange.Positive, DefaultNote = "none: only step 0 and the final step" },
        new(Divergence, "loss_above", SpecType.Double, "A training loss above this bound means divergence (a non-finite loss always does).") { Range = SpecRange.Positive, Default = 1e10 },
    ];

    /// <summary>Rules that tie several keys together (checked by <see cref="SpecChecks"/>), for docs/spec.md.</summary>
    public static IReadOnlyList<string> Rules { get; } =
    [
        "Discrete optimisers take exactly one of `steps` and `epochs`; `flow` takes `time` and neither of them.",
        "`optimizer.dt` is required with `method: rk4` and not allowed with `dopri5`; `rtol`/`atol` are for `dopri5` only.",
        "`optimizer.batch_size` may not exceed the number of training samples when the spec determines it.",
        "Sizes must agree with `model.widths` where the spec determines them: `data.inputs` = `widths[0]` (fashion-mnist: 784, hierarchical: 2^depth, chebyshev: 1); the last width = `data.outputs` (hierarchical: 2^(depth+1) − 1, chebyshev: 1); for classification data the last width = the number of classes (mse, cross-entropy) or 1 with two classes (logistic, hinge); orthogonal data (one ±1 label per sample) has 1 output.",
        "`cross-entropy`, `logistic` and `hinge` need class labels: not linear-teacher, teacher-student, hierarchical, chebyshev or csv with `target_columns`; `logistic` and `hinge` need exactly two classes; orthogonal data takes mse, logistic or hinge.",
        "`data.singular_values` are non-increasing and at most min(inputs, outputs); `whiten: true` needs training samples >= inputs; orthogonal data needs samples + test_samples <= inputs; gaussian-mixture needs classes <= inputs.",
        "`data.test_samples` and `data.test_fraction` cannot both be positive (both define the test split), nor `test_path` and `test_fraction`; with n known, round(f·n) must leave at least one test and one training sample.",
        "csv takes exactly one of `target_columns` and `label_column`; `classes` only with `label_column`.",
        "fashion-mnist `classes` are distinct.",
        "`model.init` and `model.init_from` are not given together. `balanced` and `aligned` initialisations are for deep-linear models; `aligned` needs linear-teacher data and every hidden width >= the number of singular values. `uniform` needs low < high.",
        "A probe gives at most one of `every` and `log`; under discrete optimisers `every` is a whole number of steps. `mode-strengths` and `theory` need linear-teacher data and a deep-linear model; `accuracy` needs class labels. A probe kind appears at most once.",
        "Relative file paths resolve against the directory of the spec file (against the working directory for `--set` values); files must exist (their content is checked when the run is built).",
        "A key set to null is treated as absent (so `--set optimizer.batch_size=null` restores full batch).",
    ];

    /// <summary>Every allowed value of every enumeration, with its meaning (docs and schema descriptions).</summary>
    public static IReadOnlyDictionary<Type, IReadOnlyList<(Enum Value, string Description)>> Vocabulary { get; } =
        new Dictionary<Type, IReadOnlyList<(Enum, string)>>
        {
            [typeof(DType)] = [(DType.Float64, "double precision"), (DType.Float32, "single precision")],
            [typeof(DataKind)] =
            [
                (DataKind.LinearTeacher, "y = A x with A = U diag(s) Vᵀ, Gaussian x (Saxe et al. 2014)"),
                (DataKind.TeacherStudent, "y = W₂ σ(W₁ x) from a random teacher network, Gaussian x"),
                (DataKind.Hierarchical, "Saxe et al.'s items × features from a binary tree (one-hot items, one feature per tree node)"),
                (DataKind.Orthogonal, "orthonormal inputs with random ±1 labels"),
                (DataKind.GaussianMixture, "isotropic Gaussian clusters, one per class"),
                (DataKind.Chebyshev, "y = T_k(x) at equally spaced x on [−1, 1], one input, one output (Cohen et al. 2021)"),
                (DataKind.Tensors, "a safetensors file with x [n,d] and y [n,k] (float) or [n] (int64 labels)"),
                (DataKind.Csv, "a CSV file, one sample per row"),
                (DataKind.FashionMnist, "Fashion-MNIST from the IDX .gz files (784 inputs, 10 classes)"),
            ],
            [typeof(Standardize)] =
            [
                (Standardize.None, "inputs as stored (fashion-mnist: pixels scaled to [0, 1])"),
                (Standardize.Global, "subtract one mean, divide by one std over every input value"),
                (Standardize.PerFeature, "each input column standardised on its own (a constant column is only centred)"),
            ],
            [typeof(ModelKind)] =
            [
                (ModelKind.DeepLinear, "f(x) = W_{L-1} ··· W_0 x (linear activation; no bias unless asked)"),
                (ModelKind.Mlp, "fully connected network with an activation between layers"),
            ],
            [typeof(Activation)] =
            [
                (Activation.Tanh, "tanh"), (Activation.Relu, "max(0, x)"), (Activation.Gelu, "x·Φ(x)"),
                (Activation.Sigmoid, "1/(1 + e^−x)"), (Activation.Linear, "identity"), (Activation.Quadratic, "x²"),
                (Activation.LeakyRelu, "max(0.01x, x)"), (Activation.Softplus, "log(1 + e^x)"),
            ],
            [typeof(Parameterization)] =
            [
                (Parameterization.Standard, "h' = W h + b"),
                (Parameterization.Ntk, "h' = W h / √fan_in + b (Jacot et al. 2018)"),
                (Parameterization.MeanField, "output layer scaled by 1/width (Mei et al. 2018; Chizat and Bach 2018)"),
            ],
            [typeof(InitKind)] =
            [
                (InitKind.Default, "PyTorch nn.Linear: U(±1/√fan_in)"),
                (InitKind.Normal, "N(0, std²)"),
                (InitKind.Uniform, "U(low, high)"),
                (InitKind.XavierNormal, "N(0, gain²·2/(fan_in + fan_out)) (Glorot and Bengio 2010)"),
                (InitKind.XavierUniform, "U(±gain·√(6/(fan_in + fan_out)))"),
                (InitKind.HeNormal, "N(0, gain²/fan_in) (He et al. 2015)"),
                (InitKind.HeUniform, "U(±gain·√(3/fan_in))"),
                (InitKind.LecunNormal, "N(0, gain²/fan_in) (LeCun et al. 1998)"),
                (InitKind.Orthogonal, "gain × a random (semi-)orthogonal matrix (Saxe et al. 2014)"),
                (InitKind.Identity, "the identity (rectangular: ones on the diagonal)"),
                (InitKind.Zeros, "all zeros"),
                (InitKind.Balanced, "deep-linear: W_{l+1}ᵀW_{l+1} = W_l W_lᵀ with every singular value = scale"),
                (InitKind.Aligned, "deep-linear on linear-teacher data: W_l = R_{l+1} (scale·I) R_lᵀ with R_0 = V, R_L = U (Saxe et al.'s decoupled init)"),
            ],
            [typeof(BiasInit)] = [(BiasInit.Zeros, "zeros"), (BiasInit.Default, "PyTorch's U(±1/√fan_in)")],
            [typeof(LossKind)] =
            [
                (LossKind.Mse, "mean over samples of 0.5·‖f(x) − y‖² (summed over outputs)"),
                (LossKind.CrossEntropy, "softmax cross-entropy from logits"),
                (LossKind.Logistic, "binary: mean of log(1 + e^(−y f(x))), y = ±1"),
                (LossKind.Hinge, "binary: mean of max(0, 1 − y f(x)), y = ±1"),
            ],
            [typeof(OptimizerKind)] =
            [
                (OptimizerKind.Gd, "full-batch gradient descent θ ← θ − lr·g"),
                (OptimizerKind.Sgd, "stochastic gradient descent on minibatches of batch_size"),
                (OptimizerKind.Momentum, "heavy ball, PyTorch convention v ← μv + g, θ ← θ − lr·v"),
                (OptimizerKind.Nesterov, "Nesterov momentum (PyTorch convention)"),
                (OptimizerKind.Adam, "Adam (Kingma and Ba 2015), L2 weight decay"),
                (OptimizerKind.Adamw, "Adam with decoupled weight decay (Loshchilov and Hutter 2019)"),
                (OptimizerKind.Rmsprop, "RMSprop (PyTorch convention)"),
                (OptimizerKind.Adagrad, "Adagrad"),
                (OptimizerKind.Flow, "exact gradient flow dθ/dt = −∇L(θ), integrated up to time"),
            ],
            [typeof(ScheduleKind)] =
            [
                (ScheduleKind.Constant, "lr"),
                (ScheduleKind.Step, "lr·gamma^⌊t/step_size⌋"),
                (ScheduleKind.Exponential, "lr·gamma^(t/step_size)"),
                (ScheduleKind.Cosine, "cosine from lr to final_lr over the run"),
                (ScheduleKind.LinearDecay, "linear from lr to final_lr over the run"),
                (ScheduleKind.Sgdr, "cosine with warm restarts, cycles t0, t0·t_mult, ..."),
            ],
            [typeof(FlowMethod)] =
            [
                (FlowMethod.Dopri5, "adaptive Dormand–Prince 5(4) with rtol/atol; records land exactly on the probe times"),
                (FlowMethod.Rk4, "classical Runge–Kutta with fixed step dt"),
            ],
            [typeof(ProbeKind)] =
            [
                (ProbeKind.Loss, "loss/train and loss/test"),
                (ProbeKind.Accuracy, "accuracy/train and accuracy/test"),
                (ProbeKind.GradNorm, "grad_norm, global and per layer"),
                (ProbeKind.ParamNorm, "param_norm"),
                (ProbeKind.DistanceFromInit, "distance_from_init = ‖θ − θ₀‖"),
                (ProbeKind.UpdateNorm, "update_norm = ‖θ_{t+1} − θ_t‖"),
                (ProbeKind.SingularValues, "the top singular values of every layer"),
                (ProbeKind.ModeStrengths, "mode/1..k: u_k = u_kᵀ W_end v_k against the linear teacher's modes"),
                (ProbeKind.Balancedness, "‖W_{l+1}ᵀW_{l+1} − W_l W_lᵀ‖_F for every pair of layers"),
                (ProbeKind.Theory, "theory/...: the closed-form prediction where one exists (Saxe et al. mode dynamics)"),
                (ProbeKind.Sharpness, "sharpness = λ_max of the loss Hessian (Lanczos, warm-started), with sharpness/threshold = the optimiser's stability limit (2/η for GD) and sharpness/ratio = their quotient"),
                (ProbeKind.HessianTrace, "hessian/trace (Hutchinson) and hessian/trace_stderr"),
                (ProbeKind.HessianDensity, "the Hessian eigenvalue density by stochastic Lanczos quadrature, vectors hessian/density and hessian/density/grid"),
                (ProbeKind.GradientSubspace, "subspace/overlap = ‖P_k g‖²/‖g‖², the gradient's share in the top-k Hessian eigenspace (Gur-Ari et al. 2018)"),
                (ProbeKind.PreconditionedSharpness, "sharpness/preconditioned = λ_max(P⁻¹H) of Adam/AdamW/RMSprop, with its threshold (38/η for Adam at β₁ = 0.9; Cohen et al. 2022)"),
                (ProbeKind.Roughness, "landscape/roughness: the roughness index RI = std(T)/mean(T) of the loss along random filter-normalised directions (Wu et al. 2021)"),
            ],
        };

    /// <summary>Other spellings accepted for enum values (yaml booleans for standardize, per-pixel).</summary>
    public static IReadOnlyDictionary<Type, IReadOnlyDictionary<string, Enum>> Aliases { get; } =
        new Dictionary<Type, IReadOnlyDictionary<string, Enum>>
        {
            [typeof(Standardize)] = new Dictionary<string, Enum>
            {
                ["true"] = Standardize.Global,
                ["false"] = Standardize.None,
                ["per-pixel"] = Standardize.PerFeature,
            },
        };

    public static SpecSection SectionNamed(string name) => Sections.First(s => s.Name == name);

    /// <summary>The rows of a section, in table order.</summary>
    public static IEnumerable<SpecField> FieldsOf(string section) => Fields.Where(f => f.Section == section);

    /// <summary>The distinct keys of a section, in table order.</summary>
    public static IReadOnlyList<string> KeysOf(string section) => FieldsOf(section).Select(f => f.Key).Distinct().ToList();

    /// <summary>The spec spelling of every value of an enum, in declaration order.</summary>
    public static IReadOnlyList<string> ValuesOf(Type enumType) => Vocabulary[enumType].Select(v => SpecNames.Kebab(v.Value)).ToList();
}
