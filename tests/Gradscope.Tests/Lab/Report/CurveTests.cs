using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gradscope.Lab.Report;

namespace Gradscope.Tests.Lab.Report;

public class CurveTests
{
    [Fact]
    public void DropsNonFiniteAndOverflowingValuesAndKeepsTheFirstOnesAbscissa()
    {
        Curve c = Curve.From([0, 1, 2, 3, 4, 5, double.NaN], [1, double.NaN, 2, 1e200, double.PositiveInfinity, 3, 4]);

        Assert.Equal([0.0, 2, 5], c.X);
        Assert.Equal([1.0, 2, 3], c.Y);
        Assert.Equal(1.0, c.FirstNonFiniteX);
    }

    [Fact]
    public void FiniteSeriesHasNoDivergencePoint() =>
        Assert.Null(Curve.From([0, 1], [-1e99, 1e99]).FirstNonFiniteX);

    // Oracle: the same selection written as a filter over pairs.
    [Property(MaxTest = 300)]
    public Property KeepsExactlyTheDrawablePointsInOrder() => Prop.ForAll(
        ArbMap.Default.ArbFor<(double X, double Y)[]>(),
        points =>
        {
            Curve c = Curve.From([.. points.Select(p => p.X)], [.. points.Select(p => p.Y)]);
            (double X, double Y)[] kept = [.. points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && Math.Abs(p.Y) <= Curve.Overflow)];
            double[] bad = [.. points.Where(p => double.IsFinite(p.X) && !(double.IsFinite(p.Y) && Math.Abs(p.Y) <= Curve.Overflow)).Select(p => p.X)];
            return c.X.SequenceEqual(kept.Select(p => p.X))
                && c.Y.SequenceEqual(kept.Select(p => p.Y))
                && (bad.Length == 0 ? c.FirstNonFiniteX is null : c.FirstNonFiniteX == bad.Min());
        });
}
