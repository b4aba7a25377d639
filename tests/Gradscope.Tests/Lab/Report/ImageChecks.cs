using System.Buffers.Binary;
using System.Xml.Linq;
using SkiaSharp;

namespace Gradscope.Tests.Lab.Report;

/// <summary>Checks on written figures that do not trust the code that wrote them: file signatures, headers, pixels.</summary>
internal static class ImageChecks
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Asserts the PNG signature and returns the IHDR size (PNG spec §11.2.2: width, height big-endian at bytes 16..23).</summary>
    public static (int Width, int Height) AssertPng(byte[] bytes)
    {
        Assert.True(bytes.Length > 24, "PNG too short");
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    public static XElement AssertSvg(string path)
    {
        XDocument doc = XDocument.Load(path);
        Assert.NotNull(doc.Root);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        return doc.Root;
    }

    /// <summary>Pixels within <paramref name="tolerance"/> per channel of an opaque colour given as #rrggbb.</summary>
    public static int CountPixels(byte[] png, string hex, int tolerance = 12)
    {
        using SKBitmap bitmap = SKBitmap.Decode(png);
        SKColor target = SKColor.Parse(hex);
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                if (Math.Abs(c.Red - target.Red) <= tolerance && Math.Abs(c.Green - target.Green) <= tolerance
                    && Math.Abs(c.Blue - target.Blue) <= tolerance)
                {
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>The #rrggbb seen when <paramref name="hex"/> is drawn with <paramref name="opacity"/> over white.</summary>
    public static string OverWhite(string hex, double opacity)
    {
        SKColor c = SKColor.Parse(hex);
        byte Mix(byte v) => (byte)Math.Round((opacity * v) + ((1 - opacity) * 255));
        return $"#{Mix(c.Red):x2}{Mix(c.Green):x2}{Mix(c.Blue):x2}";
    }
}
