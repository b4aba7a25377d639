using System.Globalization;
using System.Numerics;

namespace Gradscope.Data;

/// <summary>
/// <c>csv</c>: a numeric comma-separated file, one sample per line. With <c>header: true</c>
/// (default) the first line names the columns; without it, columns are named by 0-based index.
/// Exactly one of <c>target_columns</c> (regression: those columns are Y, in the order given) or
/// <c>label_column</c> (classification: non-negative integer labels, Y one-hot) is given; every
/// other column is an input, in file order. Cells are parsed with the invariant culture (a dot
/// as decimal separator); surrounding spaces and double quotes are ignored; blank lines skipped.
/// Errors name the file, the 1-based line and the column.
/// </summary>
internal static class CsvData
{
    public static Dataset<T> Create<T>(OptionGuard g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = g.Options;
        g.OnlyUses("path", "test_path", "target_columns", "label_column", "header", "classes", "standardize");
        g.NotBoth("test_path", o.TestPath);
        string path = o.Path ?? throw g.Missing("path");
        if ((o.TargetColumns is null) == (o.LabelColumn is null))
        {
            throw g.Bad(o.TargetColumns is null ? "target_columns" : "label_column",
                "kind 'csv' needs exactly one of data.target_columns (regression) or data.label_column (classification)");
        }
        if (o.TargetColumns is { Length: 0 })
        {
            throw g.Bad("target_columns", "must name at least one column");
        }
        if (o.LabelColumn is not null && o.Classes is not null)
        {
            g.Positive(o.Classes, "classes");
        }
        else if (o.Classes is not null)
        {
            throw g.Bad("classes", "only applies with data.label_column");
        }
        bool header = o.Header ?? true;
        string[] targets = o.TargetColumns ?? [o.LabelColumn!];
        var train = Read(path, header, targets, g);
        Table? test = o.TestPath is string tp ? Read(tp, header, targets, g) : null;
        if (test is not null && test.InputNames.Length != train.InputNames.Length)
        {
            throw new DataException($"{o.TestPath}: {test.InputNames.Length} input columns but {path} has {train.InputNames.Length}");
        }
        if (o.TargetColumns is not null)
        {
            return new Dataset<T>("csv", TaskKind.Regression, train.Split(null, 0).ToSplit<T>(), test?.Split(null, 0).ToSplit<T>(), 0);
        }
        int[] trainLabels = train.Labels(path, o.LabelColumn!);
        int[]? testLabels = test?.Labels(o.TestPath!, o.LabelColumn!);
        int classes = ClassLabels.Count(g, o.Classes, (path, trainLabels), testLabels is null ? null : (o.TestPath!, testLabels));
        return new Dataset<T>("csv", TaskKind.Classification, train.Split(trainLabels, classes).ToSplit<T>(),
            test?.Split(testLabels, classes).ToSplit<T>(), classes);
    }

    /// <summary>Parsed values: inputs [n, d] and targets [n, k] row-major, with the line number of each row.</summary>
    private sealed record Table(string[] InputNames, double[] X, double[] Y, int K, int[] Lines)
    {
        public int N => Lines.Length;

        public RawSplit Split(int[]? labels, int classes) =>
            labels is null ? new RawSplit(X, N, InputNames.Length, Y, K, null) : RawSplit.Classified(X, N, InputNames.Length, labels, classes);

        public int[] Labels(string path, string column)
        {
            var labels = new int[N];
            for (int i = 0; i < N; i++)
            {
                double v = Y[i];
                if (v != Math.Floor(v) || v < 0 || v > int.MaxValue)
                {
                    throw new DataException($"{path}:{Lines[i]}: column '{column}': label {v.ToString("R", CultureInfo.InvariantCulture)} is not a non-negative integer");
                }
                labels[i] = (int)v;
            }
            return labels;
        }
    }

    private static Table Read(string path, bool header, string[] targets, OptionGuard g)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataException($"{path}: file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot read file ({e.Message})", e);
        }
        int first = 0;
        while (first < lines.Length && string.IsNullOrWhiteSpace(lines[first]))
        {
            first++;
        }
        if (first == lines.Length)
        {
            throw new DataException($"{path}: the file is empty");
        }
        string[] names = header
            ? Cells(lines[first]).Select(Unquote).ToArray()
            : Enumerable.Range(0, Cells(lines[first]).Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        int width = names.Length;
        int[] targetIndex = targets.Select(t => Column(names, t, path, header, g)).ToArray();
        if (targetIndex.Distinct().Count() != targetIndex.Length)
        {
            throw g.Bad("target_columns", $"names a column twice ({string.Join(", ", targets)})");
        }
        int[] inputIndex = Enumerable.Range(0, width).Where(j => Array.IndexOf(targetIndex, j) < 0).ToArray();
        if (inputIndex.Length == 0)
        {
            throw new DataException($"{path}: no input columns left after the target columns {string.Join(", ", targets)}");
        }

        var x = new List<double>();
        var y = new List<double>();
        var rowLines = new List<int>();
        var values = new double[width];
        for (int li = header ? first + 1 : first; li < lines.Length; li++)
        {
            if (string.IsNullOrWhiteSpace(lines[li]))
            {
                continue;
            }
            string[] cells = Cells(lines[li]);
            if (cells.Length != width)
            {
                throw new DataException($"{path}:{li + 1}: {cells.Length} cells, expected {width} ({(header ? "as in the header" : "as in the first line")})");
            }
            for (int j = 0; j < width; j++)
            {
                string cell = Unquote(cells[j]);
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[j]) || !double.IsFinite(values[j]))
                {
                    throw new DataException($"{path}:{li + 1}: column '{names[j]}' (column {j + 1}): '{cell}' is not a finite number");
                }
            }
            foreach (int j in inputIndex)
            {
                x.Add(values[j]);
            }
            foreach (int j in targetIndex)
            {
                y.Add(values[j]);
            }
            rowLines.Add(li + 1);
        }
        if (rowLines.Count == 0)
        {
            throw new DataException($"{path}: no data rows");
        }
        return new Table(inputIndex.Select(j => names[j]).ToArray(), x.ToArray(), y.ToArray(), targetIndex.Length, rowLines.ToArray());
    }

    /// <summary>The index of column <paramref name="name"/>: a header name, else (without a header, or as a fallback) a 0-based index.</summary>
    private static int Column(string[] names, string name, string path, bool header, OptionGuard g)
    {
        int i = Array.IndexOf(names, name);
        if (i >= 0)
        {
            return i;
        }
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out i) && i < names.Length)
        {
            return i;
        }
        string key = g.Options.LabelColumn is null ? "target_columns" : "label_column";
        throw g.Bad(key, $"column '{name}' is not in {path} ({(header ? "columns: " + string.Join(", ", names) : $"{names.Length} columns, indices 0..{names.Length - 1}")})");
    }

    private static string[] Cells(string line) => line.Split(',');

    private static string Unquote(string cell)
    {
        string c = cell.Trim();
        return c.Length >= 2 && c[0] == '"' && c[^1] == '"' ? c[1..^1].Trim() : c;
    }
}
