using Gradscope.Autodiff;
using Gradscope.Data;
using Gradscope.Losses;
using Gradscope.Nn;
using Gradscope.Probes;
using Gradscope.Random;
using Gradscope.Tensors;
using Gradscope.Tests.Training;

namespace Gradscope.Tests.Probes;

public class ProbeTests
{
    private static ProbeContext<double> Context(Dataset<double> data, Mlp model, ParamSet<double> p, ParamSet<double> init, ParamSet<double>? prev = null) => new()
    {
        Step = 3,
        Time = 0.3,
        Params = p,
        Initial = init,
        Previous = prev,
        Model = model,
        Data = data,
        Loss = LossKind.Mse,
    };

    [Fact]
    public void NormsMatchDirectComputation()
    {
        var data = SaxeFixture.LinearTeacher(4, 20, [2, 1], seed: 1);
        var model = new Mlp([4, 5, 4], Activation.Tanh, bias: true);
        var init = Initializer.Create<double>(model, new InitOptions { Kind = "xavier-normal" }, RngKey.FromSeed(2));
        var p = Initializer.Create<double>(model, new InitOptions { Kind = "xavier-normal" }, RngKey.FromSeed(3));
        var sink = new MemorySink();
        var ctx = Context(data, model, p, init, init);
        foreach (IProbe<double> probe in new IProbe<double>[] { new LossProbe<double>(), new GradNormProbe<double>(), new ParamNormProbe<double>(), new DistanceFromInitProbe<double>(), new UpdateNormProbe<double>() })
        {
            probe.Record(ctx, sink);
        }
        var (loss, grads) = Grad.ValueAndGrad(q => Loss.Compute(LossKind.Mse, model.Forward(q, data.Train.X), data.Train.Y), p.Tensors);
        Assert.Equal(loss.Item(), sink.Values("loss/train").Single(), 14);
        double gn = Math.Sqrt(grads.Sum(g => Tensor.Dot(g, g).Item()));
        Assert.Equal(gn, sink.Values("grad_norm").Single(), 12);
        Assert.Equal(Math.Sqrt(Tensor.Dot(grads[0], grads[0]).Item()), sink.Values("grad_norm/layers.0.weight").Single(), 12);
        double pn = Math.Sqrt(p.Tensors.Sum(t => Tensor.Dot(t, t).Item()));
        Assert.Equal(pn, sink.Values("param_norm").Single(), 12);
        double dist = Math.Sqrt(p.Tensors.Zip(init.Tensors).Sum(z => Tensor.Dot(Tensor.Sub(z.First, z.Second), Tensor.Sub(z.First, z.Second)).Item()));
        Assert.Equal(dist, sink.Values("distance_from_init").Single(), 12);
        Assert.Equal(dist, sink.Values("update_norm").Single(), 12);
        Assert.All(sink.Rows, r => Assert.Equal(3, r.Step));
    }

    [Fact]
    public void ModeStrengthsOfTheTeacherItselfAreItsSingularValues()
    {
        // A one-layer "network" equal to the teacher matrix has u_k = s_k exactly.
        double[] s = [3, 2, 0.5];
        var data = SaxeFixture.LinearTeacher(5, 30, s, seed: 4);
        var model = Mlp.DeepLinear([5, 5]);
        var p = new ParamSet<double>(["layers.0.weight"], [data.Teacher!.Matrix]);
        var sink = new MemorySink();
        new ModeStrengthsProbe<double>().Record(Context(data, model, p, p), sink);
        for (int k = 0; k < s.Length; k++)
        {
            Assert.Equal(s[k], sink.Values($"mode/{k + 1}").Single(), 12);
        }
        new SingularValuesProbe<double>(2).Record(Context(data, model, p, p), sink);
        Assert.Equal(3, sink.Values("sv/layers.0.weight/1").Single(), 12);
        Assert.Equal(2, sink.Values("sv/layers.0.weight/2").Single(), 12);
    }

    [Fact]
    public void TheoryIsSilentWhenInputsAreNotWhitened()
    {
        var data = SaxeFixture.LinearTeacher(4, 16, [2, 1], seed: 5);
        var scaled = data with { Train = data.Train with { X = Tensor.MulScalar(data.Train.X, 2.0) } };
        var model = Mlp.DeepLinear([4, 4, 4]);
        var p = Initializer.Create<double>(model, new InitOptions { Kind = "aligned", Scale = 0.1 }, RngKey.FromSeed(6), data.Teacher);
        var sink = new MemorySink();
        new TheoryProbe<double>().Record(Context(scaled, model, p, p), sink);
        Assert.Empty(sink.Rows);
        new TheoryProbe<double>().Record(Context(data, model, p, p), sink);
        Assert.NotEmpty(sink.Values("theory/mode/1"));
    }
}
