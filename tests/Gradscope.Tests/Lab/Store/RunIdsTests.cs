using System.Text.RegularExpressions;
using Gradscope.Lab.Store;

namespace Gradscope.Tests.Lab.Store;

public class RunIdsTests
{
    [Fact]
    public void IdIsUtcTimestampSanitisedNameAndFourHexDigits()
    {
        // 19:15:02 at UTC+1 is 18:15:02 UTC.
        var t = new DateTimeOffset(2026, 11, 23, 19, 15, 2, TimeSpan.FromHours(1));
        Assert.Equal("20261123-181502-saxe-7f3a", RunIds.New("saxe", t, 0x7f3a));
        Assert.Equal("20261123-181502-saxe-two-layer-000b", RunIds.New("Saxe two_layer!", t, 0xb));
        Assert.Matches(new Regex("^[0-9]{8}-[0-9]{6}-[a-z0-9-]+-[0-9a-f]{4}$"), RunIds.New("x", DateTimeOffset.UtcNow, RunIds.RandomSuffix()));
    }

    [Theory]
    [InlineData("saxe-two-layer", "saxe-two-layer")]
    [InlineData("  Fashion MNIST / lr=0.1 ", "fashion-mnist-lr-0-1")]
    [InlineData("--a--b--", "a-b")]
    [InlineData("", "run")]
    [InlineData(null, "run")]
    [InlineData("ü✓/..", "run")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnopqrstuvwxyz012345")]
    [InlineData("abcdefghijklmnopqrstuvwxyz01234-6789", "abcdefghijklmnopqrstuvwxyz01234")]
    public void SanitizeName(string? name, string expected) => Assert.Equal(expected, RunIds.SanitizeName(name));

    [Fact]
    public void IdsSortByCreationTime()
    {
        var t0 = new DateTimeOffset(2026, 1, 9, 23, 59, 59, TimeSpan.Zero);
        string a = RunIds.New("zzz", t0, 0xffff);
        string b = RunIds.New("aaa", t0.AddSeconds(1), 0);
        string c = RunIds.New("mmm", t0.AddDays(300), 0x1234);
        Assert.True(string.CompareOrdinal(a, b) < 0 && string.CompareOrdinal(b, c) < 0);
    }
}
