namespace Gradscope.Lab.Spec;

/// <summary>
/// Defaults that depend on other keys (their rows in <see cref="SpecTable"/> say so in
/// DefaultNote), applied to a valid spec so consumers see concrete values:
/// data sizes from the model widths, the dopri5 tolerances, probe schedules and the default
/// probe list, and the singular-value count.
/// </summary>
internal static class SpecDefaults
{
    public const double DefaultRtol = 1e-8;
    public const double DefaultAtol = 1e-10;

    public static ExperimentSpec Apply(ExperimentSpec s, ISet<string> given)
    {
        var d = s.Data;
        var w = s.Model.Widths;
        if (d.Kind is DataKind.LinearTeacher or DataKind.TeacherStudent or DataKind.Orthogonal or DataKind.GaussianMixture)
        {
            d = d with { Inputs = d.Inputs ?? w[0] };
        }
        if (d.Kind is DataKind.LinearTeacher or DataKind.TeacherStudent)
        {
            d = d with { Outputs = d.Outputs ?? w[^1] };
        }
        s = s with { Data = d };

        if (s.Model.Kind == ModelKind.DeepLinear)
        {
            s = s with { Model = s.Model with { Activation = Nn.Activation.Linear } };
        }

        var o = s.Optimizer;
        if (o.Kind == OptimizerKind.Flow && o.Method == FlowMethod.Dopri5)
        {
            s = s with { Optimizer = o with { Rtol = o.Rtol ?? DefaultRtol, Atol = o.Atol ?? DefaultAtol } };
        }

        double every = DefaultEvery(s);
        var probes = given.Contains("probes") ? s.Probes : [new ProbeSpec { Kind = ProbeKind.Loss }];
        int allSingularValues = Enumerable.Range(0, w.Count - 1).Max(i => Math.Min(w[i], w[i + 1]));
        s = s with
        {
            Probes = new ValueList<ProbeSpec>(probes.Select(p => p with
            {
                Every = p.Every ?? (p.Log is null ? every : null),
                Top = p.Kind == ProbeKind.SingularValues ? p.Top ?? allSingularValues : p.Top,
            })),
        };
        return s;
    }

    /// <summary>About <see cref="SpecTable.DefaultRecords"/> records over the run: max(1, ⌊steps/200⌋) steps, or time/200 under flow.</summary>
    public static double DefaultEvery(ExperimentSpec s)
    {
        if (s.IsFlow)
        {
            return s.Time is double t && t > 0 ? t / SpecTable.DefaultRecords : 1.0;
        }
        return SpecFacts.TotalSteps(s) is long n ? Math.Max(1, n / SpecTable.DefaultRecords) : 1;
    }
}
