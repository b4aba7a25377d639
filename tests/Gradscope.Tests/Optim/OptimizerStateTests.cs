using Gradscope.Autodiff;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Optim;
using Gradscope.Random;
using Gradscope.Tensors;

namespace Gradscope.Tests.Optim;

/// <summary>Optimiser states survive export -> safetensors file -> import bitwise, so resumed runs are identical.</summary>
public class OptimizerStateTests
{
    private static readonly Mlp s_model = new([3, 4, 2], Activation.Tanh, bias: true);

    private static (ParamSet<double> Theta, Tensor<double> X, Tensor<double> Y) Problem()
    {
        var keys = RngKey.FromSeed(11).Split(3);
        var names = s_model.Parameters.Select(p => p.Name).ToArray();
        var theta = new ParamSet<double>(names, s_model.Parameters.Select((p, i) => Tensor.Normal<double>(keys[0].Fold((ulong)i), p.Shape, 0, 0.5)).ToArray());
        return (theta, Tensor.Normal<double>(keys[1], [16, 3]), Tensor.Normal<double>(keys[2], [16, 2]));
    }

    private static (ParamSet<double>, OptimizerState<double>) Train(GradientTransformation<double> opt, ParamSet<double> theta, OptimizerState<double> state,
        Tensor<double> x, Tensor<double> y, int steps)
    {
        for (int k = 0; k < steps; k++)
        {
            var (_, g) = Grad.ValueAndGrad(ps => Loss.Compute(LossKind.Mse, s_model.Forward(ps, x), y), theta.Tensors);
            (theta, state) = Optimizer.Step(opt, g, state, theta);
        }
        return (theta, state);
    }

    public static TheoryData<string> Kinds() => [.. Optimizers.Kinds];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ResumeThroughASafetensorsFileIsBitwiseIdentical(string kind)
    {
        var options = new OptimizerOptions
        {
            Kind = kind,
            Lr = 0.05,
            Momentum = kind is "rmsprop" ? 0.5 : null,
            ClipNorm = 10,
            Schedule = new ScheduleOptions { Kind = "cosine", TotalSteps = 20, WarmupSteps = 3 },
        };
        var opt = Optimizers.Create<double>(options);
        var (theta0, x, y) = Problem();
        var (straight, straightState) = Train(opt, theta0, opt.Init(theta0), x, y, 12);

        var (mid, midState) = Train(opt, theta0, opt.Init(theta0), x, y, 5);
        var path = Path.Combine(Path.GetTempPath(), $"gs-optstate-{Guid.NewGuid():N}.safetensors");
        try
        {
            var file = new SafeTensorFile();
            for (int i = 0; i < mid.Count; i++)
            {
                file.Add(mid.Names[i], mid[i]);
            }
            OptimizerState.WriteTo(file, midState, mid.Names);
            file.Save(path);

            var back = SafeTensorFile.Load(path);
            var theta = new ParamSet<double>(mid.Names, mid.Names.Select(back.Get<double>).ToArray());
            // A fresh optimiser object, as after a process restart.
            var opt2 = Optimizers.Create<double>(options);
            var state = OptimizerState.ReadFrom(back, opt2.Init(theta), theta.Names);
            var (resumed, resumedState) = Train(opt2, theta, state, x, y, 7);

            for (int i = 0; i < straight.Count; i++)
            {
                Assert.Equal(straight[i].ToArray(), resumed[i].ToArray());
            }
            var a = OptimizerState.Export(straightState, straight.Names);
            var b = OptimizerState.Export(resumedState, straight.Names);
            Assert.Equal(a.Scalars, b.Scalars);
            Assert.Equal(a.Tensors.Select(t => t.Name), b.Tensors.Select(t => t.Name));
            Assert.Equal(a.Tensors.Select(t => t.Value.ToArray()), b.Tensors.Select(t => t.Value.ToArray()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ExportUsesPyTorchStateKeysAndChainIndices()
    {
        var (theta, _, _) = Problem();
        var opt = Optimizers.Create<double>(new OptimizerOptions { Kind = "adam", ClipNorm = 1 });
        var (_, s) = opt.Update(theta.Tensors.Select(t => Tensor.OnesLike(t)).ToArray(), opt.Init(theta), theta);
        var snap = OptimizerState.Export(s, theta.Names);
        // chain(clip_by_global_norm, scale_by_adam, scale_by_learning_rate)
        Assert.Contains(snap.Tensors, t => t.Name == "optimizer.1.exp_avg.layers.0.weight" && t.Value.Shape.SequenceEqual([4, 3]));
        Assert.Contains(snap.Tensors, t => t.Name == "optimizer.1.exp_avg_sq.layers.1.bias");
        Assert.Equal(2 * theta.Count, snap.Tensors.Count);
        Assert.Equal("1", snap.Scalars["optimizer.1.step"]);
        Assert.Equal("1", snap.Scalars["optimizer.2.step"]);
        Assert.Equal("AdamState", snap.Scalars["optimizer.1.kind"]);
        Assert.Equal("ChainState", snap.Scalars["optimizer.kind"]);
        // g = 1 everywhere has global norm sqrt(P) and is clipped to norm 1, so m after one step is (1 − β1)/(sqrt(P) + 1e-6).
        double m = 0.1 / (Math.Sqrt(theta.Size) + 1e-6);
        Assert.All(snap.Tensors.First(t => t.Name == "optimizer.1.exp_avg.layers.0.weight").Value.ToArray(), v => Assert.Equal(m, v, 15));
    }

    [Fact]
    public void ImportIntoAnotherOptimiserOrShapeFailsClearly()
    {
        var (theta, _, _) = Problem();
        var adam = Optimizers.Create<double>(new OptimizerOptions { Kind = "adam" });
        var file = OptimizerState.WriteTo(new SafeTensorFile(), adam.Init(theta), theta.Names);
        var momentum = Optimizers.Create<double>(new OptimizerOptions { Kind = "momentum", Lr = 0.1 });
        var e = Assert.Throws<InvalidDataException>(() => OptimizerState.ReadFrom(file, momentum.Init(theta), theta.Names));
        Assert.Contains("optimizer.0", e.Message);

        var other = new Mlp([3, 5, 2], Activation.Tanh, bias: true).ZeroParams<double>();
        var e2 = Assert.Throws<InvalidDataException>(() => OptimizerState.ReadFrom(file, adam.Init(other), other.Names));
        Assert.Contains("optimizer.0.exp_avg.layers.0.weight", e2.Message);

        file.Tensors.Remove("optimizer.0.exp_avg_sq.layers.1.bias");
        var e3 = Assert.Throws<KeyNotFoundException>(() => OptimizerState.ReadFrom(file, adam.Init(theta), theta.Names));
        Assert.Contains("optimizer.0.exp_avg_sq.layers.1.bias", e3.Message);
    }

    [Fact]
    public void Float32StatesRoundTripBitwise()
    {
        var p = new ParamSet<float>(["w"], [Tensor.FromArray(new[] { 0.1f, -0.7f, 3f }, 3)]);
        var opt = Optimizers.Create<float>(new OptimizerOptions { Kind = "rmsprop", Momentum = 0.9 });
        var (_, s) = opt.Update([Tensor.FromArray(new[] { 0.3f, 1e-3f, -2f }, 3)], opt.Init(p), p);
        var path = Path.Combine(Path.GetTempPath(), $"gs-optstate32-{Guid.NewGuid():N}.safetensors");
        try
        {
            OptimizerState.WriteTo(new SafeTensorFile(), s, p.Names).Save(path);
            var back = OptimizerState.ReadFrom(SafeTensorFile.Load(path), opt.Init(p), p.Names);
            Assert.Equal(OptimizerState.Export(s, p.Names).Tensors.Select(t => t.Value.ToArray()),
                OptimizerState.Export(back, p.Names).Tensors.Select(t => t.Value.ToArray()));
            Assert.Equal("F32", SafeTensorFile.Load(path).Tensors["optimizer.0.square_avg.w"].DType);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
