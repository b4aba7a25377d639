namespace Gradscope.Lab.Store;

/// <summary>Table formats of <c>gradscope metrics</c> (DESIGN.md §3.1, §3.3).</summary>
public enum MetricsFormat
{
    Csv,
    Json,
    Parquet,
}

/// <summary>
/// Exports metric rows in long format — one row per (step, name): <c>step,time,name,value</c> —
/// to CSV, JSON or Parquet. The rows are written in the order given (the store reads them by
/// name, then step). Non-finite values: CSV writes <c>nan</c>, <c>inf</c>, <c>-inf</c> (pandas,
/// polars and DuckDB parse these); JSON has no such numbers and writes <c>null</c>; Parquet
/// keeps IEEE NaN/±Inf as they are.
/// </summary>
public static class MetricsExport
{
    /// <summary>Parses <c>csv</c>, <c>json</c> or <c>parquet</c> (case-insensitive).</summary>
    public static bool TryParseFormat(string? text, out MetricsFormat format)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "csv": format = MetricsFormat.Csv; return true;
            case "json": format = MetricsFormat.Json; return true;
            case "parquet": format = MetricsFormat.Parquet; return true;
            default: format = default; return false;
        }
    }

    /// <summary>The format a file name implies (<c>.csv</c>, <c>.json</c>, <c>.parquet</c>/<c>.pq</c>), else null.</summary>
    public static MetricsFormat? FormatFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => MetricsFormat.Csv,
        ".json" => MetricsFormat.Json,
        ".parquet" or ".pq" => MetricsFormat.Parquet,
        _ => null,
    };

    /// <summary>True when the format is text that may go to a terminal (Parquet is binary: write it to a file).</summary>
    public static bool IsText(MetricsFormat format) => format != MetricsFormat.Parquet;

    /// <summary>Writes <paramref name="rows"/> to <paramref name="output"/> (left open).</summary>
    public static void Write(IEnumerable<MetricRow> rows, MetricsFormat format, Stream output)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(output);
        switch (format)
        {
            case MetricsFormat.Csv:
                MetricsCsv.Write(rows, output);
                break;
            case MetricsFormat.Json:
                MetricsJson.Write(rows, output);
                break;
            case MetricsFormat.Parquet:
                MetricsParquet.Write(rows, output);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "unknown metrics format");
        }
    }

    /// <summary>
    /// Writes <paramref name="rows"/> to the file <paramref name="path"/> atomically: into a
    /// temporary file beside it, renamed over the target only when complete.
    /// </summary>
    public static void WriteFile(IEnumerable<MetricRow> rows, MetricsFormat format, string path)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        string tmp = $"{full}.{Environment.ProcessId}.tmp";
        try
        {
            using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Write(rows, format, file);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            File.Delete(tmp);
        }
    }
}
