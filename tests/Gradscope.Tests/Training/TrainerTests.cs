using Gradscope.Autodiff;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Optim;
using Gradscope.Probes;
using Gradscope.Random;
using Gradscope.Tensors;
using Gradscope.Training;

namespace Gradscope.Tests.Training;

public class TrainerTests
{
    private sealed class MemoryCheckpoints : ICheckpointSink<double>
    {
        public Dictionary<long, TrainingState<double>> States { get; } = [];

        public void Save(TrainingState<double> state) => States[state.Step] = state;
    }

    private static Trainer<double> SaxeTrainer(Gradscope.Data.Dataset<double> data, Mlp model, double lr, long steps, params ProbeSchedule<double>[] probes) =>
        new(new TrainerOptions<double>
        {
            Model = model,
            Data = data,
            Loss = LossKind.Mse,
            Optimizer = Optimizers.Create<double>(new OptimizerOptions { Kind = "gd", Lr = lr }),
            LearningRate = _ => lr,
            Steps = steps,
            Probes = probes,
        });

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void GradientDescentConvergesToSaxeModeDynamics(int layers)
    {
        // Small aligned init: every mode starts at scale^L. GD is the Euler discretisation of
        // the flow whose closed form the theory probe evaluates, so the discrepancy must be
        // small and shrink linearly with the step (halving η halves it): a check that
        // distinguishes "agrees with theory" from "agrees with itself".
        double[] s = [3, 2, 1];
        var data = SaxeFixture.LinearTeacher(6, 64, s, seed: 1);
        var model = Mlp.DeepLinear(Enumerable.Repeat(6, layers + 1).ToArray());
        double scale = Math.Pow(1e-3, 1.0 / layers);
        var init = Initializer.Create<double>(model, new InitOptions { Kind = "aligned", Scale = scale }, RngKey.FromSeed(2), data.Teacher);
        (double Err, MemorySink Sink) Train(double lr)
        {
            var sink = new MemorySink();
            long steps = (long)Math.Round(12.0 / lr);
            var trainer = SaxeTrainer(data, model, lr, steps,
                ProbeSchedule<double>.EverySteps(new ModeStrengthsProbe<double>(), (long)Math.Round(0.1 / lr)),
                ProbeSchedule<double>.EverySteps(new TheoryProbe<double>(), (long)Math.Round(0.1 / lr)));
            var result = trainer.Run(trainer.Start(init), sink);
            Assert.Equal(RunOutcome.Completed, result.Outcome);
            Assert.Equal(12.0, result.Time, 9);
            return (sink.Values("theory/max_rel_error").Max(), sink);
        }
        var (coarse, _) = Train(0.004);
        var (fine, sinkFine) = Train(0.002);
        Assert.True(fine < 0.02, $"max |u - u_theory|/s = {fine}");
        Assert.InRange(coarse / fine, 1.8, 2.2);
        var u1 = sinkFine.Values("mode/1");
        Assert.Equal(1e-3, u1[0], 10);              // starts at scale^L
        Assert.True(u1[^1] > 0.99 * s[0]);          // and learns the mode
        // Stage-like learning: the strongest mode is learned first.
        int Half(int k) => Array.FindIndex(sinkFine.Values($"mode/{k}"), v => v > s[k - 1] / 2);
        Assert.True(Half(1) < Half(2) && Half(2) < Half(3));
    }

    [Fact]
    public void BalancednessFollowsTheExactDiscreteIdentityUnderGd()
    {
        // D_{k+1} = D_k + η² (G_{l+1}ᵀ G_{l+1} − G_l G_lᵀ) for consecutive layers of a linear net.
        var data = SaxeFixture.LinearTeacher(5, 40, [2, 1], seed: 3);
        var model = Mlp.DeepLinear([5, 4, 6, 5]);
        var p = Initializer.Create<double>(model, new InitOptions { Kind = "normal", Std = 0.4 }, RngKey.FromSeed(4));
        const double eta = 0.05;
        var opt = Optimizers.Create<double>(new OptimizerOptions { Kind = "gd", Lr = eta });
        var state = opt.Init(p);
        for (int step = 0; step < 5; step++)
        {
            var (_, g) = Grad.ValueAndGrad(q => Loss.Compute(LossKind.Mse, model.Forward(q, data.Train.X), data.Train.Y), p.Tensors);
            var (next, st) = Optimizer.Step(opt, g, state, p, step);
            for (int l = 0; l + 1 < 3; l++)
            {
                var d0 = Balancedness.Matrix(p[l], p[l + 1]);
                var d1 = Balancedness.Matrix(next[l], next[l + 1]);
                // Balancedness.Matrix(G_l, G_{l+1}) = G_{l+1}ᵀG_{l+1} − G_l G_lᵀ, so D_{k+1} = D_k + η²·that.
                var predicted = Tensor.Add(d0, Tensor.MulScalar(Balancedness.Matrix(g[l], g[l + 1]), eta * eta));
                double scale = d1.ToDoubleArray().Max(Math.Abs) + 1;
                for (int i = 0; i < d1.Size; i++)
                {
                    Assert.True(Math.Abs(d1.Span[i] - predicted.Span[i]) < 1e-13 * scale, $"step {step} pair {l} entry {i}");
                }
                // The first-order terms really cancel: without the η² term the identity fails.
                Assert.True(Math.Abs(d1.ToDoubleArray().Zip(d0.ToDoubleArray(), (x, y) => x - y).Max(Math.Abs)) > 1e-9);
            }
            p = next;
            state = st;
        }
    }

    [Fact]
    public void ResumeFromACheckpointReproducesTheRunBitwise()
    {
        var data = SaxeFixture.LinearTeacher(4, 48, [2, 1], seed: 5);
        var model = new Mlp([4, 7, 4], Activation.Tanh, bias: true);
        var init = Initializer.Create<double>(model, new InitOptions { Kind = "xavier-normal" }, RngKey.FromSeed(6));
        Trainer<double> Make() => new(new TrainerOptions<double>
        {
            Model = model,
            Data = data,
            Loss = LossKind.Mse,
            Optimizer = Optimizers.Create<double>(new OptimizerOptions { Kind = "adam", Lr = 0.01 }),
            LearningRate = _ => 0.01,
            Steps = 60,
            BatchSize = 10,                      // minibatches with seeded shuffling, partial last batch
            ShuffleKey = RngKey.FromSeed(7),
            CheckpointEvery = 20,
            Probes = [ProbeSchedule<double>.EverySteps(new LossProbe<double>(), 5)],
        });
        var full = new MemoryCheckpoints();
        var sinkFull = new MemorySink();
        var t = Make();
        t.Run(t.Start(init), sinkFull, full);
        Assert.Equal([0L, 20, 40, 60], full.States.Keys.Order().ToArray());

        // A fresh trainer (as after kill -9) continues from the step-20 checkpoint, round-tripped through a file.
        var path = Path.Combine(Path.GetTempPath(), $"gs-resume-{Guid.NewGuid():N}.safetensors");
        try
        {
            full.States[20].ToFile().Save(path);
            var t2 = Make();
            var restored = TrainingState<double>.FromFile(SafeTensorFile.Load(path), model, t2.Options.Optimizer.Init(init));
            var resumed = new MemoryCheckpoints();
            var sinkResumed = new MemorySink();
            t2.Run(restored, sinkResumed, resumed);
            var a = full.States[60].Params.Flatten();
            var b = resumed.States[60].Params.Flatten();
            Assert.Equal(a.Select(BitConverter.DoubleToInt64Bits), b.Select(BitConverter.DoubleToInt64Bits));
            // Records after the checkpoint are identical and not duplicated at the resume step.
            var after = sinkFull.Rows.Where(r => r.Step > 20).ToArray();
            Assert.Equal(after, sinkResumed.Rows.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DivergenceIsARecordedOutcomeNotACrash()
    {
        var data = SaxeFixture.LinearTeacher(4, 16, [3, 1], seed: 8);
        var model = Mlp.DeepLinear([4, 4, 4]);
        var init = Initializer.Create<double>(model, new InitOptions { Kind = "normal", Std = 1 }, RngKey.FromSeed(9));
        var sink = new MemorySink();
        var t = SaxeTrainer(data, model, lr: 5.0, steps: 1000, ProbeSchedule<double>.EverySteps(new LossProbe<double>(), 1));
        var r = t.Run(t.Start(init), sink);
        Assert.Equal(RunOutcome.Diverged, r.Outcome);
        Assert.True(r.Steps < 1000);
        Assert.NotEmpty(sink.Values("loss/train"));
        Assert.Contains("step", r.Message);
    }
}
