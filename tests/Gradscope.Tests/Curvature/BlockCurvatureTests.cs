using Gradscope.Curvature;
using Gradscope.Random;
using Xunit.Abstractions;

namespace Gradscope.Tests.Curvature;

public class BlockCurvatureTests(ITestOutputHelper output)
{
    [Fact]
    public void PerLayerTopEigenvalueAndTraceMatchTheDenseDiagonalBlocks()
    {
        var (problem, h, _, _) = CurvatureFixture.Medium.Value;
        int n = problem.Model.ParameterCount;
        var layers = BlockCurvature.PerLayer(problem.Model, problem.Loss, problem.X, problem.Y, problem.Params,
            traceProbes: 300, RngKey.FromSeed(1), new LanczosOptions { Tolerance = 1e-10 }, chunkSize: 16);
        Assert.Equal(["layers.0", "layers.1", "layers.2"], layers.Select(l => l.Name));
        int offset = 0;
        foreach (var ((name, top, trace), (_, indices)) in layers.Zip(BlockCurvature.Layers(problem.Model)))
        {
            int size = indices.Sum(i => problem.Params[i].Size);
            var block = new double[size * size];
            double exactTrace = 0;
            for (int r = 0; r < size; r++)
            {
                exactTrace += h[(offset + r) * n + offset + r];
                for (int c = 0; c < size; c++)
                {
                    block[r * size + c] = h[(offset + r) * n + offset + c];
                }
            }
            double exactTop = DenseHessian.Eigen(block, size).Values[0];
            output.WriteLine($"{name}: {size} params, λ_max {top:R} (dense {exactTop:R}), trace {trace.Trace:F4} ± {trace.StdErr:F4} (exact {exactTrace:F4})");
            Assert.True(Math.Abs(top - exactTop) <= 1e-8 * Math.Abs(exactTop), $"{name}: {top} vs {exactTop}");
            Assert.Equal(300, trace.Probes);
            Assert.True(Math.Abs(trace.Trace - exactTrace) <= 3 * trace.StdErr, $"{name} trace {trace.Trace} ± {trace.StdErr} vs {exactTrace}");
            offset += size;
        }
        Assert.Equal(n, offset);
    }
}
