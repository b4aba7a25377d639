namespace Gradscope.Lab.Report;

/// <summary>Figure 1: train and test loss (<c>loss/*</c>), log y when the loss falls over more than two decades.</summary>
internal static class LossPlot
{
    public const string Key = "loss";

    public static ChartSpec? Build(MetricTable table, XAxisChoice axes)
    {
        // train, then test, then any other split in natural order: the legend reads the way the run was made.
        List<MetricSeries> series = [.. table.WithPrefix(MetricNames.LossPrefix).OrderBy(s => SplitRank(s.Name))];
        if (series.Count == 0)
        {
            return null;
        }

        XAxisKind x = axes.Pick(preferTime: false, series);
        var spec = new ChartSpec
        {
            Key = Key,
            Title = "Loss",
            XLabel = XAxisChoice.Label(x),
            YLabel = "loss",
            Caption = "Training and test loss.",
        };

        // train and test keep their colours across runs and pages; any other split takes the next ones.
        int next = 2;
        foreach (MetricSeries s in series)
        {
            string split = MetricNames.MemberLabel(s.Name, "loss");
            int colour = split switch
            {
                "train" => 0,
                "test" => 1,
                _ => next++,
            };
            spec.Lines.Add(new ChartLine(split, Curve.From(s, x), Palette.At(colour), Width: 2.2f));
        }

        return spec;
    }

    private static int SplitRank(string name) => name switch
    {
        "loss/train" => 0,
        "loss/test" => 1,
        _ => 2,
    };
}
