namespace Gradscope.Lab.Report;

/// <summary>
/// Orders strings with embedded integers by their numeric value (<c>sv/w/2</c> &lt; <c>sv/w/10</c>), so legends
/// and tables list modes and layers the way a reader counts them.
/// </summary>
internal sealed class NaturalComparer : IComparer<string>
{
    public static readonly NaturalComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                int si = i, sj = j;
                while (i < x.Length && char.IsAsciiDigit(x[i]))
                {
                    i++;
                }

                while (j < y.Length && char.IsAsciiDigit(y[j]))
                {
                    j++;
                }

                int c = CompareDigits(x.AsSpan(si, i - si), y.AsSpan(sj, j - sj));
                if (c != 0)
                {
                    return c;
                }
            }
            else
            {
                int c = x[i].CompareTo(y[j]);
                if (c != 0)
                {
                    return c;
                }

                i++;
                j++;
            }
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }

    // Compare digit runs of any length as numbers: strip leading zeros, then longer is larger.
    private static int CompareDigits(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        ReadOnlySpan<char> ta = a.TrimStart('0'), tb = b.TrimStart('0');
        if (ta.Length != tb.Length)
        {
            return ta.Length.CompareTo(tb.Length);
        }

        int c = ta.SequenceCompareTo(tb);
        return c != 0 ? c : a.Length.CompareTo(b.Length);
    }
}
