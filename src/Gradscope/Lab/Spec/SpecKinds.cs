namespace Gradscope.Lab.Spec;

// The closed vocabularies of the spec. Spec values are the kebab-case forms of the member
// names (LinearTeacher <-> linear-teacher, Float64 <-> float64; see SpecNames), and every
// member has a one-line description in SpecTable.Vocabulary, which drives validation,
// the JSON Schema and docs/spec.md. Adding a kind = one member here + one line there
// (+ rows for its options in SpecTable.Fields). Activation, Parameterization and LossKind
// come from the learning layer (Gradscope.Nn, Gradscope.Losses).

/// <summary>Floating-point type of parameters and data.</summary>
public enum DType
{
    Float64,
    Float32,
}

/// <summary><c>data.kind</c>.</summary>
public enum DataKind
{
    LinearTeacher,
    TeacherStudent,
    Hierarchical,
    Orthogonal,
    GaussianMixture,
    Chebyshev,
    Tensors,
    Csv,
    FashionMnist,
}

/// <summary><c>data.standardize</c> (file kinds): none, global (one mean/std), per-feature.</summary>
public enum Standardize
{
    None,
    Global,
    PerFeature,
}

/// <summary><c>model.kind</c>.</summary>
public enum ModelKind
{
    DeepLinear,
    Mlp,
}

/// <summary><c>model.init.kind</c>.</summary>
public enum InitKind
{
    Default,
    Normal,
    Uniform,
    XavierNormal,
    XavierUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    Orthogonal,
    Identity,
    Zeros,
    Balanced,
    Aligned,
}

/// <summary><c>model.init.bias_init</c>.</summary>
public enum BiasInit
{
    Zeros,
    Default,
}

/// <summary><c>optimizer.kind</c>.</summary>
public enum OptimizerKind
{
    Gd,
    Sgd,
    Momentum,
    Nesterov,
    Adam,
    Adamw,
    Rmsprop,
    Adagrad,
    Flow,
}

/// <summary><c>optimizer.schedule.kind</c>.</summary>
public enum ScheduleKind
{
    Constant,
    Step,
    Exponential,
    Cosine,
    LinearDecay,
    Sgdr,
}

/// <summary><c>optimizer.method</c> (gradient flow integrator).</summary>
public enum FlowMethod
{
    Dopri5,
    Rk4,
}

/// <summary><c>probes[].kind</c>.</summary>
public enum ProbeKind
{
    Loss,
    Accuracy,
    GradNorm,
    ParamNorm,
    DistanceFromInit,
    UpdateNorm,
    SingularValues,
    ModeStrengths,
    Balancedness,
    Theory,
    Sharpness,
    HessianTrace,
    HessianDensity,
    GradientSubspace,
    PreconditionedSharpness,
    Roughness,
}
