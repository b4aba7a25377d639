using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Gradscope.Tensors;

/// <summary>One tensor of a safetensors file as stored: dtype tag (F64, F32, I64, I32), shape, raw little-endian bytes.</summary>
public sealed record RawTensor(string DType, int[] Shape, byte[] Bytes);

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping names to {dtype, shape, data_offsets} plus optional "__metadata__" strings, then the
/// raw data. The ecosystem's weight format: PyTorch reads it with safetensors.torch.load_file.
/// </summary>
public sealed class SafeTensorFile
{
    private static readonly Dictionary<string, int> s_elementSize = new() { ["F64"] = 8, ["F32"] = 4, ["I64"] = 8, ["I32"] = 4, ["U8"] = 1 };

    public Dictionary<string, RawTensor> Tensors { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    public bool Contains(string name) => Tensors.ContainsKey(name);

    // ---- building ----

    public SafeTensorFile Add<T>(string name, Tensor<T> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string dt = typeof(T) == typeof(double) ? "F64" : typeof(T) == typeof(float) ? "F32" : throw new TensorDTypeException($"safetensors: unsupported element type {typeof(T).Name}");
        Tensors[name] = new RawTensor(dt, (int[])t.Shape.Clone(), MemoryMarshal.AsBytes(t.Span).ToArray());
        return this;
    }

    public SafeTensorFile AddInt64(string name, ReadOnlySpan<long> values, params int[] shape)
    {
        Tensors[name] = new RawTensor("I64", shape.Length == 0 ? [values.Length] : shape, MemoryMarshal.AsBytes(values).ToArray());
        return this;
    }

    // ---- reading ----

    /// <summary>The tensor <paramref name="name"/> converted to element type T (F64 or F32 on disk).</summary>
    public Tensor<T> Get<T>(string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var r = Require(name);
        var t = Tensor.Zeros<T>(r.Shape);
        var d = t.MutableSpan;
        switch (r.DType)
        {
            case "F64":
                var f64 = MemoryMarshal.Cast<byte, double>(r.Bytes);
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = T.CreateTruncating(f64[i]);
                }
                break;
            case "F32":
                var f32 = MemoryMarshal.Cast<byte, float>(r.Bytes);
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = T.CreateTruncating(f32[i]);
                }
                break;
            default:
                throw new TensorDTypeException($"safetensors: tensor '{name}' has dtype {r.DType}, expected F64 or F32");
        }
        return t;
    }

    /// <summary>An integer tensor (I64 or I32 on disk) as int values, with its shape.</summary>
    public (int[] Values, int[] Shape) GetInts(string name)
    {
        var r = Require(name);
        int[] v = r.DType switch
        {
            "I64" => MemoryMarshal.Cast<byte, long>(r.Bytes).ToArray().Select(x => checked((int)x)).ToArray(),
            "I32" => MemoryMarshal.Cast<byte, int>(r.Bytes).ToArray(),
            _ => throw new TensorDTypeException($"safetensors: tensor '{name}' has dtype {r.DType}, expected I64 or I32"),
        };
        return (v, r.Shape);
    }

    private RawTensor Require(string name) =>
        Tensors.TryGetValue(name, out var r) ? r
        : throw new KeyNotFoundException($"safetensors: no tensor named '{name}' (have: {string.Join(", ", Tensors.Keys.Order())})");

    // ---- files ----

    /// <summary>Writes the file atomically (temporary file, then rename), tensors in name order.</summary>
    public void Save(string path)
    {
        var names = Tensors.Keys.Order(StringComparer.Ordinal).ToArray();
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (Metadata.Count > 0)
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WriteString(k, v);
                }
                w.WriteEndObject();
            }
            long off = 0;
            foreach (var n in names)
            {
                var t = Tensors[n];
                w.WriteStartObject(n);
                w.WriteString("dtype", t.DType);
                w.WriteStartArray("shape");
                foreach (var s in t.Shape)
                {
                    w.WriteNumberValue(s);
                }
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(off);
                w.WriteNumberValue(off + t.Bytes.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                off += t.Bytes.Length;
            }
            w.WriteEndObject();
        }
        // Pad the header with spaces to a multiple of 8 bytes so the data stays aligned.
        var header = ms.ToArray().ToList();
        while (header.Count % 8 != 0)
        {
            header.Add((byte)' ');
        }
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, "." + Path.GetFileName(path) + "." + Environment.ProcessId + ".tmp");
        using (var f = File.Create(tmp))
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Count);
            f.Write(len);
            f.Write(header.ToArray());
            foreach (var n in names)
            {
                f.Write(Tensors[n].Bytes);
            }
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads a file; a malformed one raises <see cref="InvalidDataException"/> naming the file and the problem.</summary>
    public static SafeTensorFile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"safetensors file not found: {path}", path);
        }
        var bytes = File.ReadAllBytes(path);
        InvalidDataException Bad(string why) => new($"{path}: not a valid safetensors file ({why})");
        if (bytes.Length < 8)
        {
            throw Bad("shorter than its 8-byte header length");
        }
        ulong hlen = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (hlen > (ulong)(bytes.Length - 8))
        {
            throw Bad($"header length {hlen} exceeds the file size {bytes.Length}");
        }
        var file = new SafeTensorFile();
        int dataStart = 8 + (int)hlen;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)hlen));
        }
        catch (JsonException e)
        {
            throw Bad("header is not JSON: " + e.Message);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Bad("header is not a JSON object");
            }
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                {
                    foreach (var m in p.Value.EnumerateObject())
                    {
                        file.Metadata[m.Name] = m.Value.GetString() ?? "";
                    }
                    continue;
                }
                try
                {
                    string dt = p.Value.GetProperty("dtype").GetString()!;
                    var shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                    var offs = p.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                    if (!s_elementSize.TryGetValue(dt, out int es))
                    {
                        throw Bad($"tensor '{p.Name}' has unsupported dtype {dt}");
                    }
                    long n = shape.Aggregate(1L, (a, b) => a * b);
                    if (offs.Length != 2 || offs[1] - offs[0] != n * es || dataStart + offs[1] > bytes.Length || offs[0] < 0)
                    {
                        throw Bad($"tensor '{p.Name}' has data offsets that do not match its shape or the file size");
                    }
                    file.Tensors[p.Name] = new RawTensor(dt, shape, bytes.AsSpan(dataStart + (int)offs[0], (int)(offs[1] - offs[0])).ToArray());
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    throw Bad($"tensor '{p.Name}' has a malformed header entry");
                }
            }
        }
        return file;
    }
}
