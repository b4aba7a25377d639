using Gradscope.Autodiff;
using Gradscope.Tensors;

namespace Gradscope.Tests.Autodiff;

/// <summary>
/// Every primitive against central finite differences in float64, first and second order
/// (GradCheck: ε = 1e-6, pass when |analytic − numeric| ≤ 1e-8 + 1e-6·scale at order 1 and
/// ≤ 1e-7 + 1e-5·scale at order 2 — the second order differences gradients, which carry
/// the first-order rounding error divided by ε). Each case is checked as is and squared, so
/// linear ops also get a non-zero second derivative.
/// </summary>
public class PrimitiveGradTests
{
    [Theory]
    [MemberData(nameof(GradCases.Names), MemberType = typeof(GradCases))]
    public void FirstAndSecondOrderMatchFiniteDifferences(string name)
    {
        var c = GradCases.All.Single(k => k.Name == name);
        var xs = GradCases.Inputs(c);
        var reports = GradCheck.Check(c.F, xs, order: 2, rtol: 1e-5, atol: 1e-7);
        Assert.Equal(2, reports.Length);
        Assert.True(reports[0].MaxRelError < 1e-6 || reports[0].MaxAbsError < 1e-8, $"{name}: first order {reports[0]}");
        GradCheck.Check(x => Tensor.Square(c.F(x)), xs, order: 2, rtol: 1e-5, atol: 1e-7);
    }

    [Fact]
    public void EveryPrimitiveIsCoveredByACase()
    {
        var seen = new HashSet<OpKind>();
        foreach (var c in GradCases.All)
        {
            var xs = GradCases.Inputs(c).Select(t => t.RequireGrad()).ToArray();
            var y = c.F(xs);
            Collect(y, seen);
        }
        var missing = Enum.GetValues<OpKind>().Where(k => !seen.Contains(k)).ToArray();
        Assert.True(missing.Length == 0, "primitives without a finite-difference case: " + string.Join(", ", missing));
    }

    private static void Collect(Tensor<double> y, HashSet<OpKind> seen)
    {
        var stack = new Stack<Tensor<double>>([y]);
        var visited = new HashSet<Tensor<double>>(ReferenceEqualityComparer.Instance);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (t.Node is null || !visited.Add(t))
            {
                continue;
            }
            seen.Add(t.Node.Op);
            foreach (var x in t.Node.Inputs)
            {
                stack.Push(x);
            }
        }
    }

    [Fact]
    public void GradCheckDetectsAWrongRule()
    {
        // A function whose "gradient" is wrong by construction: Detach hides a dependency.
        var x = Tensor.FromArray(new[] { 0.3, -0.7, 1.1 }, 3);
        Assert.Throws<GradCheckException>(() =>
            GradCheck.Check(v => Tensor.Mul(v[0], v[0].Detach()), [x], order: 1));
    }
}
