using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Gradscope.Lab.Sweeps;

/// <summary>
/// The summary table as CSV (header <c>trial,run,status,&lt;axis paths&gt;,&lt;summary names&gt;</c>), JSON
/// (<c>{"sweep", "columns", "rows": [{column: value}]}</c>) or Parquet (axis columns as DOUBLE when every
/// value is a number, else STRING; summaries DOUBLE). Numbers round-trip (R format); NaN is empty in CSV,
/// null in JSON.
/// </summary>
public static class SummaryExport
{
    public static string Csv(SummaryTable t)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', t.Columns.Select(Quote)));
        foreach (var r in t.Rows)
        {
            var cells = new List<string> { r.Trial.ToString(CultureInfo.InvariantCulture), r.Run ?? "", r.Status };
            cells.AddRange(t.AxisPaths.Select(p => Quote(r.Axes.GetValueOrDefault(p, ""))));
            cells.AddRange(t.SummaryNames.Select(n => r.Values.TryGetValue(n, out var v) && !double.IsNaN(v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""));
            sb.AppendLine(string.Join(',', cells));
        }
        return sb.ToString();
    }

    public static string Json(SummaryTable t) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["sweep"] = t.SweepId,
        ["columns"] = t.Columns,
        ["rows"] = t.Rows.Select(r =>
        {
            var o = new Dictionary<string, object?> { ["trial"] = r.Trial, ["run"] = r.Run, ["status"] = r.Status };
            foreach (var p in t.AxisPaths)
            {
                var text = r.Axes.GetValueOrDefault(p);
                o[p] = text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : text;
            }
            foreach (var n in t.SummaryNames)
            {
                o[n] = r.Values.TryGetValue(n, out var v) && double.IsFinite(v) ? v : null;
            }
            return o;
        }).ToArray(),
    });

    public static void Parquet(SummaryTable t, Stream output) => ParquetAsync(t, output).GetAwaiter().GetResult();

    private static async Task ParquetAsync(SummaryTable t, Stream output)
    {
        var numericAxes = t.AxisPaths.ToDictionary(p => p, p => t.Rows.All(r => double.TryParse(r.Axes.GetValueOrDefault(p), NumberStyles.Float, CultureInfo.InvariantCulture, out _)));
        var trial = new DataField<int>("trial", nullable: false);
        var run = new DataField<string>("run", nullable: true);
        var status = new DataField<string>("status", nullable: false);
        var axisFields = t.AxisPaths.Select(p => numericAxes[p] ? (DataField)new DataField<double>(p, nullable: false) : new DataField<string>(p, nullable: true)).ToArray();
        var summaryFields = t.SummaryNames.Select(n => new DataField<double>(n, nullable: false)).ToArray();
        var schema = new ParquetSchema([trial, run, status, .. axisFields, .. summaryFields]);
        await using var writer = await ParquetWriter.CreateAsync(schema, output).ConfigureAwait(false);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<int>(trial, t.Rows.Select(r => r.Trial).ToArray()).ConfigureAwait(false);
        await group.WriteAsync(run, t.Rows.Select(r => r.Run).ToArray()).ConfigureAwait(false);
        await group.WriteAsync(status, t.Rows.Select(r => r.Status).ToArray()).ConfigureAwait(false);
        for (int i = 0; i < t.AxisPaths.Count; i++)
        {
            var p = t.AxisPaths[i];
            if (numericAxes[p])
            {
                await group.WriteAsync<double>((DataField<double>)axisFields[i], t.Rows.Select(r => double.Parse(r.Axes[p], CultureInfo.InvariantCulture)).ToArray()).ConfigureAwait(false);
            }
            else
            {
                await group.WriteAsync((DataField<string>)axisFields[i], t.Rows.Select(r => r.Axes.GetValueOrDefault(p)).ToArray()).ConfigureAwait(false);
            }
        }
        for (int i = 0; i < summaryFields.Length; i++)
        {
            var n = t.SummaryNames[i];
            await group.WriteAsync<double>(summaryFields[i], t.Rows.Select(r => r.Values.GetValueOrDefault(n, double.NaN)).ToArray()).ConfigureAwait(false);
        }
    }

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
