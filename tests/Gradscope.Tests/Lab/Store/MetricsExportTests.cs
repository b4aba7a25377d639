using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gradscope.Lab.Store;
using Parquet;
using Parquet.Schema;

namespace Gradscope.Tests.Lab.Store;

public class MetricsExportTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static TheoryData<string> Backends => TestStore.Backends;

    private static readonly MetricRow[] Rows =
    [
        new(0, 0.0, "loss/train", 2.5),
        new(0, 0.0, "mode/1", 1e-3),
        new(1, 0.01, "loss/train", 0.1 + 0.2),
        new(1, 0.01, "mode/1", -1.0 / 3),
        new(2, 0.02, "loss/train", double.NaN),
        new(3, double.NaN, "loss/train", double.PositiveInfinity),
        new(4, 1e300, "weird, \"quoted\"\nname", double.NegativeInfinity),
        new(long.MaxValue, double.Epsilon, "big", double.MaxValue),
        new(-1, -0.5, "ünï/cødé", double.MinValue),
    ];

    private static void AssertSameDouble(double expected, double actual)
    {
        // Bitwise equality, with every NaN equal to every other NaN.
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"expected NaN, got {actual}");
        }
        else
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));
        }
    }

    private static void AssertSameRows(IReadOnlyList<MetricRow> expected, IReadOnlyList<MetricRow> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Step, actual[i].Step);
            Assert.Equal(expected[i].Name, actual[i].Name);
            AssertSameDouble(expected[i].Time, actual[i].Time);
            AssertSameDouble(expected[i].Value, actual[i].Value);
        }
    }

    // ---- CSV ----

    /// <summary>An independent RFC 4180 reader (quoted fields may hold commas, quotes, newlines).</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
        Assert.False(quoted);
        Assert.Equal(0, field.Length + fields.Count); // the file ends with a newline
        return records;
    }

    /// <summary>How pandas reads the float text: nan/inf/-inf, else the decimal number.</summary>
    private static double ParseCsvDouble(string s) => s switch
    {
        "nan" => double.NaN,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [Fact]
    public void CsvHasTheContractHeaderAndRoundTripsEveryValue()
    {
        using var ms = new MemoryStream();
        MetricsExport.Write(Rows, MetricsFormat.Csv, ms);
        byte[] bytes = ms.ToArray();
        Assert.NotEqual(0xEF, bytes[0]); // no byte-order mark: the header must read as "step"
        string text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("step,time,name,value\n", text, StringComparison.Ordinal);
        Assert.Contains("\n2,0.02,loss/train,nan\n", text, StringComparison.Ordinal);
        Assert.Contains("\n3,nan,loss/train,inf\n", text, StringComparison.Ordinal);
        Assert.Contains(",-inf\n", text, StringComparison.Ordinal);
        Assert.Contains("\n1,0.01,loss/train,0.30000000000000004\n", text, StringComparison.Ordinal);

        var records = ParseCsv(text);
        Assert.Equal(["step", "time", "name", "value"], records[0]);
        var back = records.Skip(1).Select(f =>
        {
            Assert.Equal(4, f.Length);
            return new MetricRow(long.Parse(f[0], CultureInfo.InvariantCulture), ParseCsvDouble(f[1]), f[2], ParseCsvDouble(f[3]));
        }).ToList();
        AssertSameRows(Rows, back);
    }

    [Property(MaxTest = 500)]
    public Property CsvDoublesRoundTripForAnyBitPattern() => Prop.ForAll(ArbMap.Default.ArbFor<long>(), bits =>
    {
        double v = BitConverter.Int64BitsToDouble(bits);
        double back = ParseCsvDouble(MetricsCsv.FormatDouble(v));
        return double.IsNaN(v) ? double.IsNaN(back) : BitConverter.DoubleToInt64Bits(back) == bits;
    });

    [Fact]
    public void CsvOfNoRowsIsJustTheHeader()
    {
        using var ms = new MemoryStream();
        MetricsExport.Write([], MetricsFormat.Csv, ms);
        Assert.Equal("step,time,name,value\n", Encoding.UTF8.GetString(ms.ToArray()));
    }

    // ---- JSON ----

    [Fact]
    public void JsonIsAnArrayOfObjectsWithNullForNonFiniteNumbers()
    {
        using var ms = new MemoryStream();
        MetricsExport.Write(Rows, MetricsFormat.Json, ms);
        using var doc = JsonDocument.Parse(ms.ToArray());
        var items = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(Rows.Length, items.Count);
        for (int i = 0; i < Rows.Length; i++)
        {
            var o = items[i];
            Assert.Equal(["step", "time", "name", "value"], o.EnumerateObject().Select(p => p.Name));
            Assert.Equal(Rows[i].Step, o.GetProperty("step").GetInt64());
            Assert.Equal(Rows[i].Name, o.GetProperty("name").GetString());
            foreach (var (prop, expected) in new[] { ("time", Rows[i].Time), ("value", Rows[i].Value) })
            {
                var e = o.GetProperty(prop);
                if (double.IsFinite(expected))
                {
                    AssertSameDouble(expected, e.GetDouble());
                }
                else
                {
                    Assert.Equal(JsonValueKind.Null, e.ValueKind);
                }
            }
        }
        ms.SetLength(0);
        MetricsExport.Write([], MetricsFormat.Json, ms);
        Assert.Equal("[]", Encoding.UTF8.GetString(ms.ToArray()));
    }

    // ---- Parquet ----

    private static async Task<(List<MetricRow> Rows, int Groups, DataField[] Fields)> ReadParquet(Stream s)
    {
        s.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(s);
        var fields = reader.Schema.GetDataFields();
        var rows = new List<MetricRow>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);
            var steps = new long[n];
            var times = new double[n];
            var names = new string?[n];
            var values = new double[n];
            await group.ReadAsync<long>(fields[0], steps);
            await group.ReadAsync<double>(fields[1], times);
            await group.ReadAsync(fields[2], names.AsMemory());
            await group.ReadAsync<double>(fields[3], values);
            for (int i = 0; i < n; i++)
            {
                rows.Add(new MetricRow(steps[i], times[i], names[i]!, values[i]));
            }
        }
        return (rows, reader.RowGroupCount, fields);
    }

    [Fact]
    public async Task ParquetHasThePlainSchemaAndReadsBackExactly()
    {
        using var ms = new MemoryStream();
        MetricsExport.Write(Rows, MetricsFormat.Parquet, ms);
        byte[] bytes = ms.ToArray();
        Assert.Equal("PAR1", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("PAR1", Encoding.ASCII.GetString(bytes, bytes.Length - 4, 4));
        var (back, groups, fields) = await ReadParquet(ms);
        Assert.Equal(1, groups);
        Assert.Equal(["step", "time", "name", "value"], fields.Select(f => f.Name));
        AssertSameRows(Rows, back);

        // The physical schema other readers see: required INT64, DOUBLE, UTF-8 BYTE_ARRAY, DOUBLE.
        ms.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(ms);
        var leaves = reader.Metadata!.Schema.Where(e => e.NumChildren is null or 0).ToList();
        Assert.Equal(
            [("step", Parquet.Meta.Type.INT64), ("time", Parquet.Meta.Type.DOUBLE), ("name", Parquet.Meta.Type.BYTE_ARRAY), ("value", Parquet.Meta.Type.DOUBLE)],
            leaves.Select(e => (e.Name, e.Type!.Value)));
        Assert.All(leaves, e => Assert.Equal(Parquet.Meta.FieldRepetitionType.REQUIRED, e.RepetitionType));
        Assert.True(leaves[2].ConvertedType == Parquet.Meta.ConvertedType.UTF8 || leaves[2].LogicalType?.STRING is not null);
    }

    [Fact]
    public async Task ParquetSplitsLongExportsIntoRowGroupsAndWritesEmptyOnes()
    {
        var many = Enumerable.Range(0, 2500).Select(i => new MetricRow(i, i * 0.5, i % 3 == 0 ? "a" : "b", Math.Sqrt(i))).ToList();
        using var ms = new MemoryStream();
        await MetricsParquet.WriteAsync(many, ms, rowGroupSize: 1000);
        var (back, groups, _) = await ReadParquet(ms);
        Assert.Equal(3, groups);
        AssertSameRows(many, back);

        using var empty = new MemoryStream();
        MetricsExport.Write([], MetricsFormat.Parquet, empty);
        var (none, _, fields) = await ReadParquet(empty);
        Assert.Empty(none);
        Assert.Equal(4, fields.Length);
    }

    // ---- formats and files ----

    [Theory]
    [InlineData("csv", MetricsFormat.Csv)]
    [InlineData(" JSON ", MetricsFormat.Json)]
    [InlineData("Parquet", MetricsFormat.Parquet)]
    public void FormatNamesParse(string text, MetricsFormat expected)
    {
        Assert.True(MetricsExport.TryParseFormat(text, out var f));
        Assert.Equal(expected, f);
    }

    [Fact]
    public void UnknownFormatsAndExtensions()
    {
        Assert.False(MetricsExport.TryParseFormat("xlsx", out _));
        Assert.False(MetricsExport.TryParseFormat(null, out _));
        Assert.Equal(MetricsFormat.Parquet, MetricsExport.FormatFromExtension("out/m.PARQUET"));
        Assert.Equal(MetricsFormat.Csv, MetricsExport.FormatFromExtension("m.csv"));
        Assert.Null(MetricsExport.FormatFromExtension("m.txt"));
        Assert.False(MetricsExport.IsText(MetricsFormat.Parquet));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task StoreToFileInEveryFormat(string backend)
    {
        using var ts = TestStore.Create(backend, output);
        if (ts is null)
        {
            return;
        }
        using var store = ts.Open();
        var run = store.CreateRun("export", "{}", 1, "float64");
        using (var w = store.OpenMetricWriter(run.Id))
        {
            foreach (var r in Rows)
            {
                w.Append(r);
            }
        }
        var stored = store.ReadMetrics(run.Id).ToList();
        AssertSameRows(Rows.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Step).ToList(), stored);

        string csv = Path.Combine(run.Directory, "exports", "metrics.csv");
        MetricsExport.WriteFile(store.ReadMetrics(run.Id), MetricsFormat.Csv, csv);
        string[] lines = File.ReadAllLines(csv);
        Assert.Equal("step,time,name,value", lines[0]);
        Assert.Equal(Rows.Length + 2, lines.Length); // one name holds a line break inside quotes

        string pq = Path.Combine(run.Directory, "metrics.parquet");
        MetricsExport.WriteFile(store.ReadMetrics(run.Id, ["loss/train"]), MetricsFormat.Parquet, pq);
        await using (var f = File.OpenRead(pq))
        {
            AssertSameRows(stored.Where(r => r.Name == "loss/train").ToList(), (await ReadParquet(f)).Rows);
        }

        string json = Path.Combine(run.Directory, "metrics.json");
        File.WriteAllText(json, "old content that must be replaced");
        MetricsExport.WriteFile(stored, MetricsFormat.Json, json);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
        Assert.Equal(Rows.Length, doc.RootElement.GetArrayLength());
        Assert.Empty(Directory.GetFiles(run.Directory, "*.tmp", SearchOption.AllDirectories));
    }
}
