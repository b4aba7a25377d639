using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Gradscope.Lab.Store;

/// <summary>
/// Buffers a run's metric records and hands them to the database in batches: one transaction
/// per <see cref="BatchSize"/> rows (a commit costs a lock round trip and a WAL append; one per
/// row would dominate a fast run), after <see cref="FlushInterval"/> so a watcher sees
/// progress, and on <see cref="Flush"/>/<see cref="Dispose()"/>.
/// <para>
/// With <c>background: true</c> (the default) full batches are written by a dedicated thread
/// while training goes on, so the training thread pays only for copying a row into the buffer;
/// up to 16 batches wait (back-pressure when the database is slower than the trainer for long).
/// <see cref="Flush"/> waits until everything appended so far is committed, and rethrows a
/// failure of the background thread; so do the next <see cref="Append(in MetricRow)"/> and
/// <see cref="Dispose()"/>.
/// </para>
/// A record is durable only once flushed: a killed process loses at most the batches in
/// flight, which resume does not miss because it restarts from the last checkpoint and
/// <see cref="IRunStore.DeleteMetricsAfter"/> clears what was logged after it.
/// Not thread-safe: one training loop appends.
/// </summary>
public abstract class MetricWriter : IDisposable
{
    public const int DefaultBatchSize = 4096;

    // Deep enough (64k rows, ~2 MB) to ride out a slow WAL checkpoint (an fsync on a busy disk)
    // without stalling the trainer; shallow enough that a dead-slow database pushes back.
    private const int MaxQueuedBatches = 16;

    private Batch _current;
    private readonly ConcurrentBag<Batch> _spare = [];
    private readonly BlockingCollection<Batch>? _queue;
    private readonly Thread? _thread;
    private readonly object _gate = new();
    private int _inFlightBatches;
    private int _inFlightRecords;
    private long _rowsWritten;
    private long _vectorsWritten;
    private volatile ExceptionDispatchInfo? _failure;
    private long _lastSubmit = Stopwatch.GetTimestamp();
    private bool _disposed;

    protected MetricWriter(string runId, int batchSize, bool background)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        RunId = runId;
        BatchSize = batchSize;
        _current = new Batch(batchSize);
        if (background)
        {
            _queue = new BlockingCollection<Batch>(MaxQueuedBatches);
            _thread = new Thread(WriteLoop) { IsBackground = true, Name = "gradscope metric writer" };
        }
    }

    /// <summary>Starts the background thread; call at the end of the subclass constructor.</summary>
    protected void Start() => _thread?.Start();

    public string RunId { get; }

    public int BatchSize { get; }

    /// <summary>True when batches are written by a background thread.</summary>
    public bool Background => _queue is not null;

    /// <summary>
    /// Hand the buffer to the database when this much time has passed since the last hand-over
    /// (checked every 256 rows and on every vector record). Default 5 s.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Scalar rows committed to the database so far.</summary>
    public long RowsWritten => Interlocked.Read(ref _rowsWritten);

    /// <summary>Vector records committed to the database so far.</summary>
    public long VectorsWritten => Interlocked.Read(ref _vectorsWritten);

    /// <summary>Records appended and not yet committed (buffered or being written).</summary>
    public int Pending => _current.Count + _current.Vectors.Count + Volatile.Read(ref _inFlightRecords);

    public void Append(long step, double time, string name, double value) => Append(new MetricRow(step, time, name, value));

    public void Append(in MetricRow row)
    {
        ThrowIfUnusable();
        ArgumentException.ThrowIfNullOrEmpty(row.Name);
        var b = _current;
        b.Rows[b.Count++] = row;
        // The clock is read every 256 rows only: a clock read costs more than storing a row.
        if (b.Count == b.Rows.Length || ((b.Count & 255) == 0 && IntervalElapsed()))
        {
            Submit();
        }
    }

    /// <summary>Buffers a vector record (values are copied); written with the next batch.</summary>
    public void AppendVector(long step, double time, string name, ReadOnlySpan<double> values)
    {
        ThrowIfUnusable();
        ArgumentException.ThrowIfNullOrEmpty(name);
        _current.Vectors.Add(new VectorRow(step, time, name, values.ToArray()));
        if (_current.Vectors.Count >= BatchSize || IntervalElapsed())
        {
            Submit();
        }
    }

    /// <summary>Commits everything appended so far and returns when it is in the database.</summary>
    public void Flush()
    {
        ThrowIfUnusable();
        Submit();
        if (_queue is not null)
        {
            lock (_gate)
            {
                while (_inFlightBatches > 0)
                {
                    Monitor.Wait(_gate);
                }
            }
        }
        _failure?.Throw();
    }

    /// <summary>
    /// Writes the records atomically — all of them or (on an exception) none — in one transaction.
    /// Called on the background thread when <see cref="Background"/>, never concurrently with itself.
    /// </summary>
    protected abstract void WriteBatch(ReadOnlyMemory<MetricRow> rows, IReadOnlyList<VectorRow> vectors);

    private void Submit()
    {
        _lastSubmit = Stopwatch.GetTimestamp();
        var b = _current;
        if (b.Count == 0 && b.Vectors.Count == 0)
        {
            return;
        }
        if (_queue is null)
        {
            try
            {
                Write(b);
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e); // as in the background: the writer is broken
                throw;
            }
            b.Clear();
            return;
        }
        _current = _spare.TryTake(out var fresh) ? fresh : new Batch(BatchSize);
        lock (_gate)
        {
            _inFlightBatches++;
        }
        Interlocked.Add(ref _inFlightRecords, b.Count + b.Vectors.Count);
        _queue.Add(b); // blocks while MaxQueuedBatches wait: back-pressure
    }

    private void Write(Batch b)
    {
        WriteBatch(b.Rows.AsMemory(0, b.Count), b.Vectors);
        Interlocked.Add(ref _rowsWritten, b.Count);
        Interlocked.Add(ref _vectorsWritten, b.Vectors.Count);
    }

    private void WriteLoop()
    {
        foreach (var b in _queue!.GetConsumingEnumerable())
        {
            try
            {
                if (_failure is null)
                {
                    Write(b); // after a failure later batches are dropped: the writer is broken
                }
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                Interlocked.Add(ref _inFlightRecords, -(b.Count + b.Vectors.Count));
                b.Clear();
                _spare.Add(b);
                lock (_gate)
                {
                    _inFlightBatches--;
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    private bool IntervalElapsed() => Stopwatch.GetElapsedTime(_lastSubmit) >= FlushInterval;

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _failure?.Throw();
    }

    /// <summary>Commits what is buffered, stops the background thread, then releases the writer's resources.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        try
        {
            Flush();
        }
        finally
        {
            _disposed = true;
            _queue?.CompleteAdding();
            if (_thread is { IsAlive: true })
            {
                _thread.Join();
            }
            _queue?.Dispose();
            Dispose(true);
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Releases statements and connections; runs after the background thread has stopped.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    private sealed class Batch(int capacity)
    {
        public readonly MetricRow[] Rows = new MetricRow[capacity];
        public readonly List<VectorRow> Vectors = [];
        public int Count;

        public void Clear()
        {
            Array.Clear(Rows, 0, Count); // drop string references
            Count = 0;
            Vectors.Clear();
        }
    }
}
