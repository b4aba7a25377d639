namespace Gradscope.Lab.Spec;

/// <summary>
/// Spelling suggestions for unknown keys and values: the closest candidate by optimal string
/// alignment distance (Damerau–Levenshtein with adjacent transpositions, each edit costing 1),
/// accepted when at most about a third of the word differs. Case, '-' and '_' are ignored first,
/// so batchSize, batch-size and BATCH_SIZE all find batch_size.
/// </summary>
public static class DidYouMean
{
    /// <summary>The best candidate, or null when none is close enough.</summary>
    public static string? Suggest(string word, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(candidates);
        var w = Normalize(word);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            int d = Distance(w, Normalize(c));
            if (d < bestDistance)
            {
                best = c;
                bestDistance = d;
            }
        }
        return best is not null && bestDistance <= Threshold(word.Length) ? best : null;
    }

    /// <summary>" (did you mean 'x'?)" or "".</summary>
    public static string Hint(string word, IEnumerable<string> candidates) =>
        Suggest(word, candidates) is string s ? $" (did you mean '{s}'?)" : "";

    private static int Threshold(int length) => length <= 3 ? 1 : length <= 8 ? 2 : 3;

    private static string Normalize(string s) => new(s.Where(c => c is not ('-' or '_')).Select(char.ToLowerInvariant).ToArray());

    /// <summary>Optimal string alignment distance between a and b.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                }
                d[i, j] = v;
            }
        }
        return d[a.Length, b.Length];
    }
}
