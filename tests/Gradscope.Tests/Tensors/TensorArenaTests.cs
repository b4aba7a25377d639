using Gradscope.Tensors;

namespace Gradscope.Tests.Tensors;

public class TensorArenaTests
{
    [Fact]
    public void BuffersAreRecycledAndPoisonedOnRelease()
    {
        var a = Tensor.FromArray(new[] { 1.0, 2.0, 3.0 }, 3);
        Tensor<double> escaped;
        using (TensorArena.Begin())
        {
            escaped = Tensor.MulScalar(a, 2);
            Assert.Equal([2.0, 4.0, 6.0], escaped.ToArray());
        }
        // A tensor kept beyond its scope is visibly invalid (the tests run with poisoning on).
        Assert.True(TensorArena.PoisonOnRelease);
        Assert.All(escaped.ToArray(), v => Assert.True(double.IsNaN(v)));
        using (TensorArena.Begin())
        {
            var again = Tensor.AddScalar(a, 1);
            Assert.Equal([2.0, 3.0, 4.0], again.ToArray());
            Assert.Same(escaped.Span.ToArray().GetType(), again.Span.ToArray().GetType());
        }
        // Outside any scope, results are ordinary garbage-collected arrays.
        var kept = Tensor.MulScalar(a, 3);
        using (TensorArena.Begin())
        {
            _ = Tensor.MulScalar(a, 5);
        }
        Assert.Equal([3.0, 6.0, 9.0], kept.ToArray());
        Assert.False(TensorArena.IsActive);
    }

    [Fact]
    public void ScopesNest()
    {
        var a = Tensor.FromArray(new[] { 1f, 2f }, 2);
        using (TensorArena.Begin())
        {
            var outer = Tensor.MulScalar(a, 2);
            using (TensorArena.Begin())
            {
                _ = Tensor.MulScalar(a, 7);
            }
            Assert.Equal([2f, 4f], outer.ToArray());   // the inner scope did not release the outer's buffers
            Assert.True(TensorArena.IsActive);
        }
        Assert.False(TensorArena.IsActive);
    }
}
