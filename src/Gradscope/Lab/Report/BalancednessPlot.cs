namespace Gradscope.Lab.Report;

/// <summary>
/// Figure 6: balancedness ‖W_{l+1}ᵀW_{l+1} − W_l W_lᵀ‖_F per pair of consecutive layers (<c>balancedness/&lt;l&gt;</c>).
/// Conserved exactly by gradient flow (Arora, Cohen &amp; Hazan 2018; Du, Hu &amp; Lee 2018), so a flat line is the
/// expected picture under flow and its drift measures the discretisation of GD.
/// </summary>
internal static class BalancednessPlot
{
    public const string Key = "balancedness";

    public static ChartSpec? Build(MetricTable table, XAxisChoice axes)
    {
        List<MetricSeries> series = [.. table.WithPrefix(MetricNames.BalancednessPrefix)];
        if (series.Count == 0)
        {
            return null;
        }

        XAxisKind x = axes.Pick(preferTime: false, series);
        var spec = new ChartSpec
        {
            Key = Key,
            Title = "Balancedness",
            XLabel = XAxisChoice.Label(x),
            YLabel = "‖W_(l+1)ᵀ W_(l+1) − W_l W_lᵀ‖_F",
            Caption = "Balancedness per pair of consecutive layers: conserved by gradient flow, drifts under GD.",
        };

        for (int i = 0; i < series.Count; i++)
        {
            string member = MetricNames.MemberLabel(series[i].Name, "balancedness");
            // balancedness/l compares layers.l and layers.(l+1) (Probes/LinearNetworkProbes).
            string label = int.TryParse(member, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int l)
                ? $"layers {l}, {l + 1}"
                : member;
            spec.Lines.Add(new ChartLine(label, Curve.From(series[i], x), Palette.At(i), Width: 2f));
        }

        return spec;
    }
}
