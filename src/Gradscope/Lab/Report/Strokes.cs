namespace Gradscope.Lab.Report;

/// <summary>Line widths shared by the figures.</summary>
internal static class Strokes
{
    /// <summary>
    /// Width of the <paramref name="index"/>-th of several lines that may coincide (balanced layers have equal
    /// singular values; flow and small-step GD give the same loss): each narrower than the one before, so
    /// coinciding lines show as nested stripes instead of the last one drawn hiding the others.
    /// </summary>
    public static float Nested(int index, float widest, float step, float narrowest) =>
        Math.Max(narrowest, widest - (step * index));
}
