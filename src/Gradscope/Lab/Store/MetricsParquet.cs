using Parquet;
using Parquet.Schema;

namespace Gradscope.Lab.Store;

/// <summary>
/// Parquet (Parquet.Net, Snappy-compressed): required columns <c>step</c> INT64, <c>time</c> DOUBLE,
/// <c>name</c> STRING (UTF-8 byte array, dictionary-encoded since names repeat), <c>value</c> DOUBLE —
/// the plain types pandas/pyarrow, polars and DuckDB read directly. NaN and ±Inf are stored as IEEE
/// doubles. Rows are written in row groups of <see cref="RowGroupSize"/>.
/// </summary>
public static class MetricsParquet
{
    public const int RowGroupSize = 1 << 20;

    public static readonly DataField<long> Step = new("step", nullable: false);
    public static readonly DataField<double> Time = new("time", nullable: false);
    public static readonly DataField<string> Name = new("name", nullable: false);
    public static readonly DataField<double> Value = new("value", nullable: false);

    public static ParquetSchema Schema { get; } = new(Step, Time, Name, Value);

    public static void Write(IEnumerable<MetricRow> rows, Stream output) =>
        WriteAsync(rows, output).GetAwaiter().GetResult();

    public static Task WriteAsync(IEnumerable<MetricRow> rows, Stream output, CancellationToken cancellationToken = default) =>
        WriteAsync(rows, output, RowGroupSize, cancellationToken);

    internal static async Task WriteAsync(IEnumerable<MetricRow> rows, Stream output, int rowGroupSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        var steps = new List<long>();
        var times = new List<double>();
        var names = new List<string>();
        var values = new List<double>();
        await using var writer = await ParquetWriter.CreateAsync(Schema, output, cancellationToken: cancellationToken).ConfigureAwait(false);
        bool any = false;
        foreach (var r in rows)
        {
            steps.Add(r.Step);
            times.Add(r.Time);
            names.Add(r.Name);
            values.Add(r.Value);
            if (steps.Count == rowGroupSize)
            {
                await WriteGroupAsync(writer, steps, times, names, values, cancellationToken).ConfigureAwait(false);
                any = true;
            }
        }
        if (steps.Count > 0 || !any)
        {
            // An empty export still gets one (empty) row group so that every reader sees the schema.
            await WriteGroupAsync(writer, steps, times, names, values, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteGroupAsync(
        ParquetWriter writer, List<long> steps, List<double> times, List<string> names, List<double> values, CancellationToken ct)
    {
        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync<long>(Step, steps.ToArray(), cancellationToken: ct).ConfigureAwait(false);
            await group.WriteAsync<double>(Time, times.ToArray(), cancellationToken: ct).ConfigureAwait(false);
            await group.WriteAsync(Name, names).ConfigureAwait(false);
            await group.WriteAsync<double>(Value, values.ToArray(), cancellationToken: ct).ConfigureAwait(false);
        }
        steps.Clear();
        times.Clear();
        names.Clear();
        values.Clear();
    }
}
