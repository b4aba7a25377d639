using Gradscope.Landscape;

namespace Gradscope.Tests.Landscape;

public class GridAxisTests
{
    [Fact]
    public void ParseGivesEvenlySpacedValuesWithExactEndsAndAnExactZero()
    {
        var a = GridAxis.Parse("-1:1:51");
        Assert.Equal(new GridAxis(-1, 1, 51), a);
        Assert.Equal(-1.0, a[0]);
        Assert.Equal(1.0, a[50]);
        Assert.Equal(0.0, a[25]);
        Assert.Equal(0.04, a[26], 15);
        for (int i = 0; i < 51; i++)
        {
            Assert.Equal(-a[50 - i], a[i]);      // exactly symmetric
            Assert.Equal(-1 + 2.0 * i / 50, a[i], 14);
        }
        var b = GridAxis.Parse(" -0.5 : 1.5 : 41 ");
        Assert.Equal(0.0, b[10]);
        Assert.Equal(1.0, b[30]);
        Assert.Equal(41, b.Values().Length);
    }

    [Theory]
    [InlineData("-1:1:51")]
    [InlineData("-0.5:1.5:41")]
    [InlineData("0.1:0.30000000000000004:3")]
    [InlineData("-1E-05:2.5:2")]
    public void ToStringRoundTrips(string text)
    {
        var a = GridAxis.Parse(text);
        Assert.Equal(a, GridAxis.Parse(a.ToString()));
        Assert.Equal("-1:1:51", new GridAxis(-1, 1, 51).ToString());
    }

    [Theory]
    [InlineData("-1:1", "got 2 field")]
    [InlineData("-1:1:51:2", "got 4 field")]
    [InlineData("a:1:51", "min 'a' is not a number")]
    [InlineData("-1:b:51", "max 'b' is not a number")]
    [InlineData("-1:1:5.5", "points '5.5' is not an integer")]
    [InlineData("-1:1:1", "points (1) must be at least 2")]
    [InlineData("1:1:5", "must be greater than min")]
    [InlineData("2:1:5", "must be greater than min")]
    [InlineData("-Infinity:1:5", "finite")]
    [InlineData("NaN:1:5", "finite")]
    public void ParseRejectsBadAxesNamingTheProblem(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => GridAxis.Parse(text));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void ConstructorValidatesAndIndexerChecksRange()
    {
        Assert.Throws<ArgumentException>(() => new GridAxis(1, -1, 3));
        Assert.Throws<ArgumentException>(() => new GridAxis(-1, 1, 1));
        var a = new GridAxis(-1, 1, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => a[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => a[-1]);
    }
}
