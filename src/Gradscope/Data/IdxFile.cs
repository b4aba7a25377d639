using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;

namespace Gradscope.Data;

/// <summary>Images of an IDX file: <see cref="Count"/> images of Rows × Cols unsigned bytes, row-major, image after image.</summary>
internal sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Cols)
{
    public int Size => Rows * Cols;
}

/// <summary>
/// The IDX format of LeCun's MNIST distribution, also used by Fashion-MNIST (Xiao, Rasul and
/// Vollgraf 2017): a big-endian int32 magic number 0x0000TTDD (TT = 0x08 unsigned byte, DD = the
/// number of dimensions), DD big-endian int32 sizes, then the data. Images are 0x00000803 = 2051
/// (count, rows, cols), labels 0x00000801 = 2049 (count). Files ending in .gz are gunzipped while
/// read (one streaming pass). Decoded files are cached per process, keyed by path, size and
/// modification time, so repeated runs in one process read the disk once.
/// </summary>
internal static class IdxFile
{
    public const int ImageMagic = 0x00000803;
    public const int LabelMagic = 0x00000801;

    private static readonly ConcurrentDictionary<string, Lazy<object>> s_cache = new(StringComparer.Ordinal);

    public static IdxImages ReadImages(string path) => (IdxImages)Cached(path, () => Decode(path, ImageMagic));

    public static byte[] ReadLabels(string path) => ((IdxImages)Cached(path, () => Decode(path, LabelMagic))).Pixels;

    private static object Cached(string path, Func<object> read)
    {
        var info = new FileInfo(path);
        string key = $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
        var lazy = s_cache.GetOrAdd(key, _ => new Lazy<object>(read, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            s_cache.TryRemove(key, out _);   // do not keep failures: the file may be fixed
            throw;
        }
    }

    /// <summary>Reads an IDX file of unsigned bytes with the given magic (labels come back as Count × 1 × 1 "images").</summary>
    private static IdxImages Decode(string path, int magic)
    {
        string what = magic == ImageMagic ? "IDX image file" : "IDX label file";
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
            Span<byte> word = stackalloc byte[4];
            s.ReadExactly(word);
            int found = BinaryPrimitives.ReadInt32BigEndian(word);
            if (found != magic)
            {
                throw new DataException($"{path}: bad magic number {found} (0x{found:x8}); a {what} starts with {magic} (0x{magic:x8})");
            }
            int dims = magic & 0xff;
            var shape = new int[dims];
            for (int i = 0; i < dims; i++)
            {
                s.ReadExactly(word);
                shape[i] = BinaryPrimitives.ReadInt32BigEndian(word);
                if (shape[i] < 0 || i > 0 && shape[i] == 0)
                {
                    throw new DataException($"{path}: invalid size {shape[i]} in dimension {i} of the {what} header");
                }
            }
            long total = shape.Aggregate(1L, (a, b) => a * b);
            if (total > Array.MaxLength)
            {
                throw new DataException($"{path}: the header declares {total} bytes, more than fits in memory");
            }
            var data = new byte[total];
            try
            {
                s.ReadExactly(data);
            }
            catch (EndOfStreamException e)
            {
                throw new DataException($"{path}: truncated: the header declares {string.Join(" x ", shape)} bytes of data", e);
            }
            if (s.ReadByte() != -1)
            {
                throw new DataException($"{path}: more data than the header's {string.Join(" x ", shape)} bytes");
            }
            return dims == 3 ? new IdxImages(data, shape[0], shape[1], shape[2]) : new IdxImages(data, shape[0], 1, 1);
        }
        catch (EndOfStreamException e)
        {
            throw new DataException($"{path}: truncated {what} header", e);
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"{path}: not a valid gzip file ({e.Message})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot read {what} ({e.Message})", e);
        }
    }
}
