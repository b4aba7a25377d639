using ScottPlot;

namespace Gradscope.Lab.Report;

/// <summary>
/// Colours shared by every report figure, so a mode, a layer or a run keeps its colour from plot to plot.
/// Series colours are the Tableau-10 / matplotlib "tab10" cycle researchers already read fluently.
/// </summary>
internal static class Palette
{
    private static readonly Color[] Cycle =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"),
        Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];

    /// <summary>The i-th series colour (cycles after ten).</summary>
    public static Color At(int index) => Cycle[((index % Cycle.Length) + Cycle.Length) % Cycle.Length];

    /// <summary>Aggregate curves drawn over per-layer ones (the global gradient norm).</summary>
    public static readonly Color Aggregate = Color.FromHex("#222222");

    /// <summary>Legend swatch for "theory (dashed)": neutral, since the dashes take each series' colour.</summary>
    public static readonly Color Theory = Color.FromHex("#444444");

    /// <summary>The vertical marker at the first non-finite value of a diverged run.</summary>
    public static readonly Color Divergence = Color.FromHex("#b00020");
}
