using System.Buffers.Binary;
using System.Text;
using Gradscope.Tensors;

namespace Gradscope.Tests.Tensors;

public class SafeTensorsTests
{
    [Fact]
    public void RoundTripsFloatAndIntTensorsWithMetadata()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gs-{Guid.NewGuid():N}.safetensors");
        try
        {
            var w = Tensor.FromArray(new[] { 1.5, -2.25, 3e-300, double.MaxValue, 0, 7 }, 2, 3);
            var f = Tensor.FromArray(new[] { 1.5f, -2f }, 2);
            var file = new SafeTensorFile().Add("layers.0.weight", w).Add("b", f).AddInt64("y", [3L, 1L, 4L]);
            file.Metadata["step"] = "42";
            file.Save(path);
            var back = SafeTensorFile.Load(path);
            Assert.Equal(w.ToArray(), back.Get<double>("layers.0.weight").ToArray());
            Assert.Equal([2, 3], back.Get<double>("layers.0.weight").Shape);
            Assert.Equal([1.5, -2.0], back.Get<double>("b").ToArray());
            Assert.Equal([3, 1, 4], back.GetInts("y").Values);
            Assert.Equal("42", back.Metadata["step"]);
            // Header length is a multiple of 8 (aligned data) and the header is JSON.
            var bytes = File.ReadAllBytes(path);
            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            Assert.Equal(0UL, n % 8);
            Assert.StartsWith("{", Encoding.UTF8.GetString(bytes, 8, (int)n));
            var ex = Assert.Throws<KeyNotFoundException>(() => back.Get<double>("layers.1.weight"));
            Assert.Contains("layers.1.weight", ex.Message);
            Assert.Throws<TensorDTypeException>(() => back.Get<double>("y"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MalformedFilesAreRejectedWithTheirPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gs-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, [1, 2, 3]);
            var e = Assert.Throws<InvalidDataException>(() => SafeTensorFile.Load(path));
            Assert.Contains(path, e.Message);
            var header = Encoding.UTF8.GetBytes("{\"x\":{\"dtype\":\"F64\",\"shape\":[4],\"data_offsets\":[0,16]}}");
            var b = new byte[8 + header.Length + 16];
            BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)header.Length);
            header.CopyTo(b, 8);
            File.WriteAllBytes(path, b);
            e = Assert.Throws<InvalidDataException>(() => SafeTensorFile.Load(path));
            Assert.Contains("'x'", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
