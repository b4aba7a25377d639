using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Optim.Flow;
using Gradscope.Probes;
using Gradscope.Random;
using Gradscope.Tensors;
using Gradscope.Training;

namespace Gradscope.Tests.Training;

public class FlowTrainerTests
{
    private static FlowTrainer<double> Make(Gradscope.Data.Dataset<double> data, Mlp model, double time, double every, params IProbe<double>[] probes) =>
        new(new FlowTrainerOptions<double>
        {
            Model = model,
            Data = data,
            Loss = LossKind.Mse,
            Stepper = () => new Dopri5<double>(new Dopri5Options { Rtol = 1e-10, Atol = 1e-12 }),
            Time = time,
            Probes = probes.Select(p => ProbeSchedule<double>.EveryTimeInterval(p, every)).ToArray(),
        });

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ExactFlowMatchesSaxeClosedFormsTo1e4(int layers)
    {
        double[] s = [3, 2, 1];
        var data = SaxeFixture.LinearTeacher(6, 64, s, seed: 11);
        var model = Mlp.DeepLinear(Enumerable.Repeat(6, layers + 1).ToArray());
        var init = Initializer.Create<double>(model, new InitOptions { Kind = "aligned", Scale = Math.Pow(1e-3, 1.0 / layers) }, RngKey.FromSeed(12), data.Teacher);
        var sink = new MemorySink();
        var t = Make(data, model, 12, 0.25, new ModeStrengthsProbe<double>(), new TheoryProbe<double>(), new BalancednessProbe<double>());
        var r = t.Run(t.Start(init), sink);
        Assert.Equal(RunOutcome.Completed, r.Outcome);
        // Records land exactly on multiples of the interval.
        var times = sink.Times("mode/1");
        Assert.Equal(49, times.Length);
        Assert.Equal(Enumerable.Range(0, 49).Select(k => k * 0.25), times);
        double maxErr = sink.Values("theory/max_rel_error").Max();
        Assert.True(maxErr < 1e-4, $"max |u - u_theory|/s = {maxErr}");
        Assert.True(sink.Values("mode/1")[^1] > 0.99 * s[0]);
        // Balancedness is conserved under flow (aligned init is balanced: D = 0 up to rounding).
        foreach (var name in sink.Rows.Select(x => x.Name).Where(x => x.StartsWith("balancedness/", StringComparison.Ordinal)).Distinct())
        {
            Assert.True(sink.Values(name).Max() < 1e-8 * s[0], name);
        }
    }

    [Fact]
    public void BalancednessIsConservedUnderFlowFromAnUnbalancedStart()
    {
        // D(t) = W2ᵀW2 − W1W1ᵀ is a constant of gradient flow for any start (Arora et al. 2018).
        var data = SaxeFixture.LinearTeacher(4, 32, [2, 1], seed: 13);
        var model = Mlp.DeepLinear([4, 5, 4]);
        var init = Initializer.Create<double>(model, new InitOptions { Kind = "normal", Std = 0.5 }, RngKey.FromSeed(14));
        var d0 = Balancedness.Matrix(init[0], init[1]);
        var t = Make(data, model, 3, 0.5, new LossProbe<double>());
        var ck = new List<TrainingState<double>>();
        var r = t.Run(t.Start(init), new MemorySink(), new ListSink(ck));
        Assert.Equal(RunOutcome.Completed, r.Outcome);
        var final = ck[^1].Params;
        var d1 = Balancedness.Matrix(final[0], final[1]);
        double scale = d0.ToDoubleArray().Max(Math.Abs);
        double drift = d1.ToDoubleArray().Zip(d0.ToDoubleArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(drift < 1e-8 * scale, $"relative drift {drift / scale}");
        // The parameters themselves did move (the conservation is not trivial).
        Assert.True(Tensor.Sub(final[0], init[0]).ToDoubleArray().Max(Math.Abs) > 1e-2);
    }

    private sealed class ListSink(List<TrainingState<double>> list) : ICheckpointSink<double>
    {
        public void Save(TrainingState<double> state) => list.Add(state);
    }
}
