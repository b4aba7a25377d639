using System.Globalization;
using Gradscope.Losses;

namespace Gradscope.Lab.Spec;

/// <summary>
/// Rules that tie several keys together (described for users in <see cref="SpecTable.Rules"/>):
/// run length, optimiser variants, sizes against model widths, loss against data, probes,
/// initialisations. A rule is checked only when every key it reads bound without error, so one
/// mistake is reported once rather than echoed by every rule that touches it.
/// </summary>
internal sealed class SpecChecks(SpecBinder bound)
{
    private readonly List<SpecError> _errors = bound.Errors;

    public void Check(ExperimentSpec spec)
    {
        RunLength(spec);
        Optimizer(spec);
        Data(spec);
        Sizes(spec);
        LossAgainstData(spec);
        Model(spec);
        Probes(spec);
    }

    private void RunLength(ExperimentSpec s)
    {
        if (!Ok("optimizer.kind", "steps", "epochs", "time"))
        {
            return;
        }
        var kind = SpecNames.Of(s.Optimizer.Kind);
        if (s.IsFlow)
        {
            if (s.Steps is not null)
            {
                Error("steps", "not used by optimizer kind 'flow' (give time: the integration time)");
            }
            if (s.Epochs is not null)
            {
                Error("epochs", "not used by optimizer kind 'flow' (give time: the integration time)");
            }
            if (s.Time is null)
            {
                Error("time", "required for optimizer kind 'flow'", "optimizer.kind");
            }
            return;
        }
        if (s.Time is not null)
        {
            Error("time", $"only for optimizer kind 'flow'; '{kind}' takes steps or epochs");
        }
        if (s.Steps is not null && s.Epochs is not null)
        {
            Error("epochs", "cannot be combined with steps (give exactly one)");
        }
        if (s.Steps is null && s.Epochs is null)
        {
            Error("steps", $"required (or epochs) for optimizer kind '{kind}'", "optimizer.kind");
        }
    }

    private void Optimizer(ExperimentSpec s)
    {
        var o = s.Optimizer;
        if (s.IsFlow && Ok("optimizer.method", "optimizer.dt", "optimizer.rtol", "optimizer.atol"))
        {
            if (o.Method == FlowMethod.Rk4)
            {
                if (o.Dt is null)
                {
                    Error("optimizer.dt", "required for method rk4 (the fixed step in flow time)", "optimizer.method");
                }
                foreach (var key in new[] { "rtol", "atol" })
                {
                    if (Given("optimizer." + key))
                    {
                        Error("optimizer." + key, "only for method dopri5 (rk4 takes a fixed step dt)");
                    }
                }
            }
            else if (o.Dt is not null)
            {
                Error("optimizer.dt", "only for method rk4 (dopri5 chooses its steps from rtol and atol)");
            }
        }
        if (o.BatchSize is int b && Ok("optimizer.batch_size", "data") && SpecFacts.TrainSamples(s) is int n && b > n)
        {
            Error("optimizer.batch_size", $"{b} exceeds the {n} training samples");
        }
    }

    private void Data(ExperimentSpec s)
    {
        var d = s.Data;
        if (!Ok("data.kind"))
        {
            return;
        }
        if (d.SingularValues is { } sv && Ok("data.singular_values"))
        {
            for (int i = 1; i < sv.Count; i++)
            {
                if (sv[i] > sv[i - 1])
                {
                    Error("data.singular_values", $"must be non-increasing (mode 1 is the strongest), got {sv}");
                    break;
                }
            }
            if (Ok("data.inputs", "data.outputs", "model.widths") && Dim(d.Inputs, s, 0) is int din && Dim(d.Outputs, s, ^1) is int dout &&
                sv.Count > Math.Min(din, dout))
            {
                Error("data.singular_values", $"{sv.Count} values, but a {dout}×{din} teacher has rank at most {Math.Min(din, dout)}");
            }
        }
        if (d.Whiten == true && Ok("data.samples", "data.inputs", "data.test_fraction", "model.widths") && SpecFacts.TrainSamples(s) is int n1 &&
            Dim(d.Inputs, s, 0) is int d1 && n1 < d1)
        {
            Error("data.whiten", $"needs at least as many training samples as inputs to make (1/n) XᵀX = I, got {n1} samples of dimension {d1}");
        }
        if (d.Kind == DataKind.Orthogonal && Ok("data.samples", "data.test_samples", "data.inputs", "model.widths") &&
            d.Samples is int n2 && Dim(d.Inputs, s, 0) is int d2 && n2 + (d.TestSamples ?? 0) > d2)
        {
            Error("data.samples", $"at most inputs = {d2} vectors can be orthogonal, asked for {n2}{(d.TestSamples > 0 ? $" + {d.TestSamples} test" : "")}");
        }
        if (d.Kind == DataKind.GaussianMixture && Ok("data.classes", "data.inputs", "model.widths") && d.Classes is int c && Dim(d.Inputs, s, 0) is int d3 && c > d3)
        {
            Error("data.classes", $"must be at most inputs = {d3} (the cluster means lie along orthogonal directions), got {c}");
        }
        if (d.TestFraction > 0 && Ok("data.test_fraction"))
        {
            if (d.TestSamples is int t && (t > 0 || d.Kind == DataKind.FashionMnist) && Ok("data.test_samples"))
            {
                Error("data.test_fraction", "cannot be combined with data.test_samples (both define the test split)");
            }
            else if (d.TestPath is not null && Ok("data.test_path"))
            {
                Error("data.test_fraction", "cannot be combined with data.test_path (both define the test split)");
            }
            else if (Ok("data") && SpecFacts.Samples(s) is int n && SpecFacts.HoldOut(n, d.TestFraction) is var m && (m < 1 || m > n - 1))
            {
                Error("data.test_fraction", $"{Num(d.TestFraction)} of {n} samples leaves {(m < 1 ? "no test sample" : "no training sample")}");
            }
        }
        if (d.Kind == DataKind.Csv && Ok("data.target_columns", "data.label_column", "data.classes"))
        {
            if (d.TargetColumns is not null && d.LabelColumn is not null)
            {
                Error("data.label_column", "cannot be combined with data.target_columns (classification or regression, not both)");
            }
            else if (d.TargetColumns is null && d.LabelColumn is null)
            {
                Error("data.target_columns", "csv data needs target_columns (regression) or label_column (classification)", "data.kind");
            }
            else if (d.Classes is not null && d.LabelColumn is null)
            {
                Error("data.classes", "only with data.label_column (classification)");
            }
        }
        if (d.ClassList is { } cl && Ok("data.classes") && cl.Distinct().Count() != cl.Count)
        {
            Error("data.classes", $"must be distinct, got {cl}");
        }
    }

    // Sizes the spec determines must agree with the model's first and last widths.
    private void Sizes(ExperimentSpec s)
    {
        var d = s.Data;
        var w = s.Model.Widths;
        if (!Ok("data.kind", "model.widths") || w.Count < 2)
        {
            return;
        }
        string first = "model.widths.0", last = $"model.widths.{w.Count - 1}";
        switch (d.Kind)
        {
            case DataKind.Hierarchical when d.Depth is int depth && Ok("data.depth"):
                if (w[0] != SpecFacts.HierarchicalItems(depth))
                {
                    Error(first, $"must be {SpecFacts.HierarchicalItems(depth)}, the 2^depth items of data.depth {depth} (one-hot inputs), got {w[0]}");
                }
                if (w[^1] != SpecFacts.HierarchicalFeatures(depth))
                {
                    Error(last, $"must be {SpecFacts.HierarchicalFeatures(depth)}, the 2^(depth+1) − 1 tree-node features of data.depth {depth}, got {w[^1]}");
                }
                return;
            case DataKind.Chebyshev:
                if (w[0] != 1)
                {
                    Error(first, $"must be 1 for chebyshev data (one input x on [−1, 1]), got {w[0]}");
                }
                if (w[^1] != 1)
                {
                    Error(last, $"must be 1 for chebyshev data (one target T_k(x)), got {w[^1]}");
                }
                return;
            case DataKind.FashionMnist when w[0] != SpecFacts.FashionMnistInputs:
                Error(first, $"must be {SpecFacts.FashionMnistInputs} for fashion-mnist (28×28 pixels), got {w[0]}");
                break;
        }
        if (d.Inputs is int din && Ok("data.inputs") && din != w[0])
        {
            Error("data.inputs", $"{din} does not match {first} ({w[0]})");
        }
        if (d.Outputs is int dout && Ok("data.outputs") && dout != w[^1])
        {
            Error("data.outputs", $"{dout} does not match {last} ({w[^1]})");
        }
        if (Ok("loss", "data") && SpecFacts.Classes(s) is int k and > 0)
        {
            bool binaryLoss = s.Loss is LossKind.Logistic or LossKind.Hinge;
            bool orthogonal = d.Kind == DataKind.Orthogonal;
            int want = binaryLoss || orthogonal ? 1 : k;
            if (w[^1] != want && !(binaryLoss && k != 2) && !(orthogonal && s.Loss == LossKind.CrossEntropy))
            {
                var why = orthogonal ? "one ±1 label per sample of orthogonal data"
                    : want == 1 ? $"one output for {SpecNames.Of(s.Loss)} on two classes"
                    : $"one output per class of the {k} classes of data.classes";
                Error(last, $"must be {want} ({why}), got {w[^1]}");
            }
        }
    }

    private void LossAgainstData(ExperimentSpec s)
    {
        if (s.Loss == LossKind.Mse || !Ok("loss", "data"))
        {
            return;
        }
        var loss = SpecNames.Of(s.Loss);
        var k = SpecFacts.Classes(s);
        if (k == 0)
        {
            var what = s.Data.Kind == DataKind.Csv ? "csv data with target_columns" : $"data kind '{SpecNames.Of(s.Data.Kind)}'";
            Error("loss", $"{loss} needs class labels, but {what} has real-valued targets (use mse)");
        }
        else if (s.Loss == LossKind.CrossEntropy && s.Data.Kind == DataKind.Orthogonal)
        {
            Error("loss", "cross-entropy needs one-hot targets, but orthogonal data has one ±1 label per sample (use logistic, hinge or mse)");
        }
        else if (s.Loss is LossKind.Logistic or LossKind.Hinge && k is int c && c != 2)
        {
            Error("loss", $"{loss} is a binary loss, but the data have {c} classes (use cross-entropy)");
        }
    }

    private void Model(ExperimentSpec s)
    {
        var m = s.Model;
        if (m.InitFrom is not null && Given("model.init"))
        {
            Error("model.init", "cannot be combined with model.init_from (the file gives the initial parameters)");
        }
        if (!Ok("model.init.kind", "model.kind"))
        {
            return;
        }
        var init = m.Init;
        if (init.Kind is InitKind.Balanced or InitKind.Aligned && m.Kind != ModelKind.DeepLinear)
        {
            Error("model.init.kind", $"{SpecNames.Of(init.Kind)} is only for deep-linear models");
        }
        else if (init.Kind == InitKind.Aligned && Ok("data.kind"))
        {
            if (s.Data.Kind != DataKind.LinearTeacher)
            {
                Error("model.init.kind", "aligned needs linear-teacher data (it starts aligned with the teacher's singular vectors)");
            }
            else if (s.Data.SingularValues is { } sv && Ok("data.singular_values", "model.widths"))
            {
                for (int i = 1; i < m.Widths.Count - 1; i++)
                {
                    if (m.Widths[i] < sv.Count)
                    {
                        Error($"model.widths.{i}", $"aligned init needs every hidden width >= {sv.Count} (the number of singular values), got {m.Widths[i]}");
                    }
                }
            }
        }
        if (init.Kind == InitKind.Uniform && init.Low is double lo && init.High is double hi && Ok("model.init.low", "model.init.high") && !(hi > lo))
        {
            Error("model.init.high", $"must be > low ({Num(lo)}), got {Num(hi)}");
        }
    }

    private void Probes(ExperimentSpec s)
    {
        var firstOfKind = new Dictionary<ProbeKind, int>();
        for (int i = 0; i < s.Probes.Count; i++)
        {
            var p = s.Probes[i];
            var path = $"probes.{i}";
            if (!Ok(path + ".kind"))
            {
                continue;
            }
            if (firstOfKind.TryGetValue(p.Kind, out int j))
            {
                Error(path + ".kind", $"duplicate probe '{SpecNames.Of(p.Kind)}' (also probes.{j})");
            }
            else
            {
                firstOfKind[p.Kind] = i;
            }
            if (p.Every is not null && p.Log is not null && Ok(path + ".every", path + ".log"))
            {
                Error(path + ".log", "cannot be combined with every (give one schedule)");
            }
            if (p.Every is double every && !s.IsFlow && Ok(path + ".every", "optimizer.kind") && every != Math.Floor(every))
            {
                Error(path + ".every", $"must be a whole number of steps for optimizer kind '{SpecNames.Of(s.Optimizer.Kind)}', got {Num(every)}");
            }
            if (p.Kind is ProbeKind.ModeStrengths or ProbeKind.Theory && Ok("data.kind", "model.kind") &&
                (s.Data.Kind != DataKind.LinearTeacher || s.Model.Kind != ModelKind.DeepLinear))
            {
                Error(path + ".kind", $"{SpecNames.Of(p.Kind)} needs linear-teacher data and a deep-linear model (it measures the teacher's modes in the end-to-end map)");
            }
            if (p.Kind == ProbeKind.PreconditionedSharpness && Ok("optimizer.kind") &&
                s.Optimizer.Kind is not (OptimizerKind.Adam or OptimizerKind.Adamw or OptimizerKind.Rmsprop))
            {
                Error(path + ".kind", $"preconditioned-sharpness needs an adaptive optimizer (adam, adamw, rmsprop), got '{SpecNames.Of(s.Optimizer.Kind)}'");
            }
            if (p.Kind == ProbeKind.Accuracy && Ok("data") && SpecFacts.Classes(s) == 0)
            {
                Error(path + ".kind", $"accuracy needs class labels; data kind '{SpecNames.Of(s.Data.Kind)}' has real-valued targets");
            }
        }
    }

    // ---------------- helpers ----------------

    private static int? Dim(int? given, ExperimentSpec s, Index widthIndex) =>
        given ?? (s.Model.Widths.Count >= 2 ? s.Model.Widths[widthIndex] : null);

    private bool Given(string path) => bound.Given.Contains(path);

    /// <summary>True when no error was reported at, above or below any of the paths.</summary>
    private bool Ok(params string[] paths)
    {
        foreach (var e in _errors)
        {
            foreach (var p in paths)
            {
                if (Related(e.Path, p))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static bool Related(string a, string b) =>
        a == b || a.Length == 0 || b.Length == 0 ||
        (a.Length > b.Length && a.StartsWith(b, StringComparison.Ordinal) && a[b.Length] == '.') ||
        (b.Length > a.Length && b.StartsWith(a, StringComparison.Ordinal) && b[a.Length] == '.');

    private void Error(string path, string message, string? sourcePath = null) =>
        _errors.Add(new SpecError(path, message) { Source = bound.SourceOf(path) ?? (sourcePath is null ? null : bound.SourceOf(sourcePath)) });

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
