using Gradscope.Landscape;
using Gradscope.Linalg;
using Gradscope.Nn;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Tests.Landscape;

public class TrajectoryPcaTests
{
    private static readonly Mlp Net = new([6, 5, 2], Activation.Tanh, bias: true);   // 47 parameters

    /// <summary>θ_i = θ_final + a_i u + b_i v (+ e_i w), with random u, v, w and coefficients.</summary>
    private static (List<ParamSet<double>> Trajectory, ParamSet<double> Final, double[] U, double[] V) Synthetic(int m, double offPlane)
    {
        var final = LandscapeFixture.Params<double>(Net, 1);
        var keys = RngKey.FromSeed(2).Split(4);
        var u = Directions.Random(final, keys[0]).Flatten();
        var v = Directions.Random(final, keys[1]).Flatten();
        var w = Directions.Random(final, keys[2]).Flatten();
        var c = Tensor.Normal<double>(keys[3], [m, 3]).Span.ToArray();
        var f = final.Flatten();
        var traj = new List<ParamSet<double>>();
        for (int i = 0; i < m; i++)
        {
            var x = new double[f.Length];
            for (int j = 0; j < x.Length; j++)
            {
                x[j] = f[j] + 3 * c[3 * i] * u[j] + c[3 * i + 1] * v[j] + offPlane * c[3 * i + 2] * w[j];
            }
            traj.Add(final.Unflatten(x));
        }
        return (traj, final, u, v);
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PlanarTrajectoryIsReconstructedAndExplainedCompletely(bool centered)
    {
        var (traj, final, u, v) = Synthetic(12, 0);
        var pca = Directions.Pca(traj, final, centered);
        var x = pca.X.Flatten();
        var y = pca.Y.Flatten();
        Assert.Equal(final.Names, pca.X.Names);
        Assert.Equal(1.0, pca.ExplainedVariance.Sum(), 12);
        Assert.True(pca.ExplainedVariance[0] >= pca.ExplainedVariance[1] && pca.ExplainedVariance[1] > 0.01);
        Assert.Equal(1.0, Dot(x, x), 12);
        Assert.Equal(1.0, Dot(y, y), 12);
        Assert.Equal(0.0, Dot(x, y), 12);
        // u and v lie in span{X, Y}.
        foreach (var w in new[] { u, v })
        {
            double inPlane = Math.Sqrt(Math.Pow(Dot(w, x), 2) + Math.Pow(Dot(w, y), 2));
            Assert.Equal(Math.Sqrt(Dot(w, w)), inPlane, 1e-9);
        }
        // The coordinates reconstruct the checkpoints.
        var f = final.Flatten();
        for (int i = 0; i < traj.Count; i++)
        {
            var t = traj[i].Flatten();
            for (int j = 0; j < t.Length; j++)
            {
                Assert.Equal(t[j], f[j] + pca.AlphaOfCheckpoints[i] * x[j] + pca.BetaOfCheckpoints[i] * y[j], 1e-10);
            }
        }
    }

    [Fact]
    public void ExplainedVarianceMatchesTheSingularValuesAndIsBelowOneOffThePlane()
    {
        var (traj, final, _, _) = Synthetic(10, 0.3);
        var pca = Directions.Pca(traj, final);
        int m = traj.Count, n = (int)final.Size;
        var d = new double[m * n];
        var f = final.Flatten();
        for (int i = 0; i < m; i++)
        {
            var t = traj[i].Flatten();
            for (int j = 0; j < n; j++)
            {
                d[i * n + j] = t[j] - f[j];
            }
        }
        var s = Svd.SingularValues(d, m, n);
        double total = s.Sum(x => x * x);
        Assert.Equal(s[0] * s[0] / total, pca.ExplainedVariance[0], 10);
        Assert.Equal(s[1] * s[1] / total, pca.ExplainedVariance[1], 10);
        Assert.True(pca.ExplainedVariance.Sum() < 0.999, $"{pca.ExplainedVariance.Sum()}");
        // Coordinates are the least-squares projections: the residual is orthogonal to X and Y.
        var x = pca.X.Flatten();
        var y = pca.Y.Flatten();
        var r = traj[3].Flatten().Select((t, j) => t - f[j] - pca.AlphaOfCheckpoints[3] * x[j] - pca.BetaOfCheckpoints[3] * y[j]).ToArray();
        Assert.Equal(0.0, Dot(r, x), 10);
        Assert.Equal(0.0, Dot(r, y), 10);
    }

    [Fact]
    public void StraightTrajectoryGetsAnOrthogonalSecondDirectionWithZeroVariance()
    {
        var final = LandscapeFixture.Params<double>(Net, 1);
        var u = Directions.Random(final, RngKey.FromSeed(5)).Flatten();
        var f = final.Flatten();
        var traj = Enumerable.Range(1, 5).Select(k => final.Unflatten(f.Select((v, j) => v + k * u[j]).ToArray())).ToList();
        traj.Add(final);   // the last checkpoint is usually θ_final itself
        var pca = Directions.Pca(traj, final);
        Assert.Equal(1.0, pca.ExplainedVariance[0], 12);
        Assert.Equal(0.0, pca.ExplainedVariance[1]);
        var x = pca.X.Flatten();
        Assert.Equal(0.0, Dot(x, pca.Y.Flatten()), 12);
        Assert.Equal(1.0, Dot(pca.Y.Flatten(), pca.Y.Flatten()), 12);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal((i + 1) * Math.Sqrt(Dot(u, u)), pca.AlphaOfCheckpoints[i], 9);   // sign: farthest checkpoint positive
            Assert.Equal(0.0, pca.BetaOfCheckpoints[i], 9);
        }
        Assert.Equal((0.0, 0.0), (pca.AlphaOfCheckpoints[5], pca.BetaOfCheckpoints[5]));
        Assert.Throws<ArgumentException>(() => Directions.Pca([final, final], final));
    }

    [Fact]
    public void Float32TrajectoryWorksInDoubleAndRoundsTheDirections()
    {
        var (traj, final, _, _) = Synthetic(8, 0);
        static ParamSet<float> F(ParamSet<double> p) => new(p.Names, p.Tensors.Select(Tensor.Cast<double, float>).ToArray());
        var pca = Directions.Pca(traj.Select(F).ToList(), F(final));
        Assert.Equal(1.0, pca.ExplainedVariance.Sum(), 6);
        var p64 = Directions.Pca(traj, final);
        for (int i = 0; i < traj.Count; i++)
        {
            Assert.Equal(p64.AlphaOfCheckpoints[i], pca.AlphaOfCheckpoints[i], 1e-4 * Math.Abs(p64.AlphaOfCheckpoints[0]) + 1e-5);
        }
    }
}
