using System.Globalization;
using ScottPlot;

namespace Gradscope.Lab.Report;

/// <summary>
/// The one-dimensional landscape figures (a slice θ + αδ, the linear interpolation between two points, the
/// roughness ridges): a <see cref="ChartSpec"/> drawn by <see cref="ChartRenderer"/>, plus the markers a
/// landscape needs on top (the checkpoint's dot, the interpolation's end points, diverged ranges).
/// </summary>
internal static class LandscapeLines
{
    /// <summary>At most this many ridge curves are drawn; more would be a solid band.</summary>
    public const int MaxRidges = 20;

    public static readonly Color Train = Palette.At(0);
    public static readonly Color Test = Palette.At(1);

    /// <summary>The translucent band over α ranges whose loss is NaN/±Inf (or beyond <see cref="Curve.Overflow"/>).</summary>
    public static readonly Color DivergedBand = Palette.Divergence.WithOpacity(0.12);

    public const string DivergedLegend = "diverged (NaN/Inf)";

    /// <summary>A 1-D figure: the chart description and what is drawn over it.</summary>
    internal sealed record Figure(ChartSpec Spec, Action<Plot> Decorate);

    public static Figure Slice(string key, string title, double[] alpha, double[] train, double[]? test, string xLabel)
    {
        Check(alpha, train, test);
        var spec = LossSpec(key, title, xLabel, alpha, train, test,
            "Loss along θ + αδ through the checkpoint (dot at α = 0); solid: train, dashed: test.");
        bool logY = spec.UsesLogY;
        return new Figure(spec, plot =>
        {
            MarkDiverged(plot, alpha, train, test);
            Dot(plot, alpha, train, 0, logY, Train, "checkpoint (α = 0)");
            if (test is not null)
            {
                Dot(plot, alpha, test, 0, logY, Test, null);
            }
        });
    }

    public static Figure Interpolation(string key, string title, double[] alpha, double[] train, double[]? test, string fromLabel, string toLabel)
    {
        Check(alpha, train, test);
        var spec = LossSpec(key, title, "α (θ = (1 − α)·θ₀ + α·θ₁)", alpha, train, test,
            $"Loss on the line from {fromLabel} (α = 0) to {toLabel} (α = 1) and beyond (Goodfellow et al. 2015); solid: train, dashed: test.");
        return new Figure(spec, plot =>
        {
            MarkDiverged(plot, alpha, train, test);
            EndPoint(plot, 0, fromLabel);
            EndPoint(plot, 1, toLabel);
        });
    }

    public static Figure Ridges(string key, string title, double[] t, double[][] curves, double index)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(curves);
        foreach (double[] c in curves)
        {
            if (c is null || c.Length != t.Length)
            {
                throw new ArgumentException($"every curve needs {t.Length} values (one per t)", nameof(curves));
            }
        }

        var spec = new ChartSpec
        {
            Key = key,
            Title = $"{title} (RI = {FormatIndex(index)})",
            XLabel = "t",
            YLabel = "f_i(t)",
            Caption = "One thin line per random direction i; the roughness index RI summarises how far they are from smooth.",
            AllowLogY = false, // the wiggles are the point; a log axis would flatten them unevenly
        };
        int[] picked = [.. DensityPlot.Spread(curves.Length, MaxRidges)];
        foreach (int i in picked)
        {
            spec.Lines.Add(new ChartLine(null, Finite(t, curves[i]), Palette.At(0), Width: 1.2f, Opacity: 0.45));
        }

        string what = picked.Length == curves.Length
            ? $"{curves.Length} direction{(curves.Length == 1 ? "" : "s")}"
            : $"{picked.Length} of {curves.Length} directions";
        spec.ExtraLegend.Add(new LegendEntry($"f_i(t), {what}", Palette.At(0).WithOpacity(0.6), 1.5f, Dashed: false));
        return new Figure(spec, _ => { });
    }

    /// <summary>RI as text: a few significant digits, scientific when tiny (a quadratic's RI is ~0).</summary>
    public static string FormatIndex(double index) =>
        !double.IsFinite(index) ? "n/a"
        : index != 0 && Math.Abs(index) < 1e-3 ? index.ToString("0.##e-0", CultureInfo.InvariantCulture)
        : index.ToString("G3", CultureInfo.InvariantCulture);

    private static ChartSpec LossSpec(string key, string title, string xLabel, double[] alpha, double[] train, double[]? test, string caption)
    {
        var spec = new ChartSpec { Key = key, Title = title, XLabel = xLabel, YLabel = "loss", Caption = caption };
        AddSegments(spec, "train", alpha, train, Train, dashed: false);
        if (test is not null)
        {
            AddSegments(spec, "test", alpha, test, Test, dashed: true);
        }

        return spec;
    }

    /// <summary>One line per run of finite points, so a diverged stretch is a gap rather than a straight bridge.</summary>
    private static void AddSegments(ChartSpec spec, string legend, double[] x, double[] y, Color color, bool dashed)
    {
        bool first = true;
        foreach ((int start, int end) in Runs(x, y, finite: true))
        {
            var curve = new Curve(x[start..end], y[start..end], null);
            spec.Lines.Add(new ChartLine(first ? legend : null, curve, color, Width: 2.2f, Dashed: dashed));
            first = false;
        }
    }

    private static Curve Finite(double[] x, double[] y)
    {
        var keep = Enumerable.Range(0, x.Length).Where(i => IsDrawable(x[i], y[i])).ToArray();
        return new Curve([.. keep.Select(i => x[i])], [.. keep.Select(i => y[i])], null);
    }

    private static bool IsDrawable(double x, double y) => double.IsFinite(x) && double.IsFinite(y) && Math.Abs(y) <= Curve.Overflow;

    /// <summary>Maximal index ranges [start, end) whose points are all drawable (or all not, with finite x).</summary>
    internal static IEnumerable<(int Start, int End)> Runs(double[] x, double[] y, bool finite)
    {
        int i = 0;
        while (i < x.Length)
        {
            if (!double.IsFinite(x[i]) || IsDrawable(x[i], y[i]) != finite)
            {
                i++;
                continue;
            }

            int start = i;
            while (i < x.Length && double.IsFinite(x[i]) && IsDrawable(x[i], y[i]) == finite)
            {
                i++;
            }

            yield return (start, i);
        }
    }

    /// <summary>A translucent band over each α range where train or test loss is not finite, reaching half a grid step beyond its points.</summary>
    private static void MarkDiverged(Plot plot, double[] alpha, double[] train, double[]? test)
    {
        double[] worst = new double[alpha.Length];
        for (int i = 0; i < alpha.Length; i++)
        {
            worst[i] = IsDrawable(alpha[i], train[i]) && (test is null || IsDrawable(alpha[i], test[i])) ? 0 : double.NaN;
        }

        bool legend = true;
        foreach ((int start, int end) in Runs(alpha, worst, finite: false))
        {
            double left = alpha[start] - HalfStep(alpha, start, -1);
            double right = alpha[end - 1] + HalfStep(alpha, end - 1, +1);
            var span = plot.Add.HorizontalSpan(Math.Min(left, right), Math.Max(left, right), DivergedBand);
            span.LineStyle.Width = 0;
            span.LegendText = legend ? DivergedLegend : "";
            legend = false;
        }
    }

    private static double HalfStep(double[] x, int i, int direction)
    {
        int j = i + direction;
        if (j < 0 || j >= x.Length || !double.IsFinite(x[j]))
        {
            j = i - direction;
        }

        return j < 0 || j >= x.Length || !double.IsFinite(x[j]) ? 0 : Math.Abs(x[j] - x[i]) / 2;
    }

    /// <summary>A dot at abscissa <paramref name="at"/> on the curve (interpolated between grid points), if the curve is finite there.</summary>
    private static void Dot(Plot plot, double[] x, double[] y, double at, bool logY, Color color, string? legend)
    {
        if (ValueAt(x, y, at) is not { } v)
        {
            return;
        }

        var m = plot.Add.Marker(at, logY ? Math.Log10(v) : v, MarkerShape.FilledCircle, 11f, color);
        m.MarkerLineColor = Colors.Black;
        m.MarkerLineWidth = 1.2f;
        m.LegendText = legend ?? "";
    }

    /// <summary>The value of the piecewise-linear curve at <paramref name="at"/>, or null when outside it or not finite there.</summary>
    internal static double? ValueAt(double[] x, double[] y, double at)
    {
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] == at)
            {
                return IsDrawable(x[i], y[i]) ? y[i] : null;
            }
        }

        for (int i = 0; i + 1 < x.Length; i++)
        {
            double lo = Math.Min(x[i], x[i + 1]), hi = Math.Max(x[i], x[i + 1]);
            if (lo < at && at < hi && IsDrawable(x[i], y[i]) && IsDrawable(x[i + 1], y[i + 1]))
            {
                double w = (at - x[i]) / (x[i + 1] - x[i]);
                return y[i] + (w * (y[i + 1] - y[i]));
            }
        }

        return null;
    }

    private static void EndPoint(Plot plot, double at, string label)
    {
        var line = plot.Add.VerticalLine(at, 1.5f, Colors.Black.WithOpacity(0.6), LinePattern.Dotted);
        line.Text = label;
        line.LabelOppositeAxis = true; // labels along the top edge, clear of the α tick labels
        line.LabelStyle.FontSize = 13f;
        line.LabelStyle.ForeColor = Colors.White;
        line.LabelStyle.BackgroundColor = Colors.Black.WithOpacity(0.7);
    }

    private static void Check(double[] alpha, double[] train, double[]? test)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        ArgumentNullException.ThrowIfNull(train);
        if (train.Length != alpha.Length)
        {
            throw new ArgumentException($"trainLoss has {train.Length} values, alpha {alpha.Length}", nameof(train));
        }

        if (test is not null && test.Length != alpha.Length)
        {
            throw new ArgumentException($"testLoss has {test.Length} values, alpha {alpha.Length}", nameof(test));
        }
    }
}
