using Gradscope.Lab.Spec;

namespace Gradscope.Tests.Lab.Spec;

public class DidYouMeanTests
{
    // Hand-computed optimal string alignment distances.
    [Theory]
    [InlineData("", "", 0)]
    [InlineData("abc", "", 3)]
    [InlineData("adamm", "adam", 1)]       // one deletion
    [InlineData("ca", "ac", 1)]            // one transposition
    [InlineData("widht", "widths", 2)]     // transposition + insertion
    [InlineData("kitten", "sitting", 3)]   // the textbook Levenshtein example
    [InlineData("ca", "abc", 3)]           // OSA (not full Damerau): no edit of a transposed pair
    public void DistanceIsOptimalStringAlignment(string a, string b, int expected)
    {
        Assert.Equal(expected, DidYouMean.Distance(a, b));
        Assert.Equal(expected, DidYouMean.Distance(b, a));
    }

    [Theory]
    [InlineData("widht", "widths")]
    [InlineData("batchSize", "batch_size")]
    [InlineData("BATCH-SIZE", "batch_size")]
    [InlineData("singular_value", "singular_values")]
    [InlineData("lr", "lr")]
    public void SuggestsTheClosestKey(string word, string expected) =>
        Assert.Equal(expected, DidYouMean.Suggest(word, ["lr", "widths", "batch_size", "singular_values", "weight_decay"]));

    [Theory]
    [InlineData("zz")]
    [InlineData("temperature")]
    public void SuggestsNothingWhenNothingIsClose(string word) =>
        Assert.Null(DidYouMean.Suggest(word, ["lr", "widths", "batch_size"]));
}
