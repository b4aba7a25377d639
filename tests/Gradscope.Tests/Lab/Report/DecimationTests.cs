using Gradscope.Lab.Report;

namespace Gradscope.Tests.Lab.Report;

public class DecimationTests
{
    [Fact]
    public void ShortCurvesAreLeftAlone()
    {
        var curve = new Curve([0, 1, 2], [3, 1, 2], null);

        Assert.Same(curve, Decimation.MinMax(curve, buckets: 1));
    }

    [Fact]
    public void LongCurvesKeepTheirEnvelopeSpikesAndEnds()
    {
        const int n = 100_000, buckets = 900;
        double[] x = [.. Enumerable.Range(0, n).Select(i => (double)i)];
        double[] y = [.. x.Select(v => Math.Sin(v / 500))];
        y[31_337] = 50;    // a one-point spike must survive
        y[77_777] = -50;
        var curve = new Curve(x, y, 123.0);

        Curve thin = Decimation.MinMax(curve, buckets);

        Assert.InRange(thin.Count, buckets, 4 * buckets);
        Assert.Equal(y.Max(), thin.Y.Max());
        Assert.Equal(y.Min(), thin.Y.Min());
        Assert.Equal((x[0], y[0]), (thin.X[0], thin.Y[0]));
        Assert.Equal((x[^1], y[^1]), (thin.X[^1], thin.Y[^1]));
        Assert.Equal(123.0, thin.FirstNonFiniteX);
        // Every kept point is an original point, in the original order.
        Assert.All(Enumerable.Range(0, thin.Count), i => Assert.Equal(y[(int)thin.X[i]], thin.Y[i]));
        Assert.True(thin.X.Zip(thin.X.Skip(1)).All(p => p.First < p.Second));
        // Per bucket, the envelope is exact: the extremes of the original points in each x range are kept.
        for (int b = 0; b < buckets; b++)
        {
            int from = (int)((long)b * n / buckets), to = (int)((long)(b + 1) * n / buckets);
            double[] kept = [.. thin.X.Select((v, i) => (v, i)).Where(p => p.v >= from && p.v < to).Select(p => thin.Y[p.i])];
            Assert.Equal(y[from..to].Max(), kept.Max());
            Assert.Equal(y[from..to].Min(), kept.Min());
        }
    }
}
