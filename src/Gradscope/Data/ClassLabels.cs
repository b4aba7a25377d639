namespace Gradscope.Data;

/// <summary>The class count of integer labels read from files, checked against data.classes.</summary>
internal static class ClassLabels
{
    /// <summary>data.classes if given (every label must be below it), else max label + 1 over all files; negative labels are errors.</summary>
    public static int Count(OptionGuard g, int? classes, (string Path, int[] Labels) train, (string Path, int[] Labels)? test)
    {
        int max = -1;
        foreach (var (path, labels) in test is null ? [train] : new[] { train, test.Value })
        {
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] < 0)
                {
                    throw new DataException($"{path}: label {labels[i]} of sample {i} is negative (labels are class indices 0, 1, ...)");
                }
                if (classes is int c && labels[i] >= c)
                {
                    throw new DataException($"{path}: label {labels[i]} of sample {i} is not below data.classes = {c}");
                }
                max = Math.Max(max, labels[i]);
            }
        }
        return classes is null ? max + 1 : g.Positive(classes, "classes");
    }
}
