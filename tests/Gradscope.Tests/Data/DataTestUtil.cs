using System.IO.Compression;
using Gradscope.Tensors;

namespace Gradscope.Tests.Data;

/// <summary>Naive reference linear algebra (plain loops, independent of the code under test) and temp-file helpers.</summary>
internal static class DataTestUtil
{
    /// <summary>Row-major [rows, cols] matrix of a rank-2 tensor as double[,].</summary>
    public static double[,] M(Tensor<double> t)
    {
        int r = t.Shape[0], c = t.Shape[1];
        var m = new double[r, c];
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < c; j++)
            {
                m[i, j] = t[i, j];
            }
        }
        return m;
    }

    /// <summary>Aᵀ B by triple loop.</summary>
    public static double[,] AtB(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), p = a.GetLength(1), q = b.GetLength(1);
        var c = new double[p, q];
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < q; j++)
            {
                double s = 0;
                for (int t = 0; t < n; t++)
                {
                    s += a[t, i] * b[t, j];
                }
                c[i, j] = s;
            }
        }
        return c;
    }

    /// <summary>A Bᵀ by triple loop.</summary>
    public static double[,] ABt(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), p = a.GetLength(1), q = b.GetLength(0);
        var c = new double[n, q];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < q; j++)
            {
                double s = 0;
                for (int t = 0; t < p; t++)
                {
                    s += a[i, t] * b[j, t];
                }
                c[i, j] = s;
            }
        }
        return c;
    }

    public static double MaxAbsDiffFromIdentity(double[,] c, double scale = 1.0)
    {
        double e = 0;
        for (int i = 0; i < c.GetLength(0); i++)
        {
            for (int j = 0; j < c.GetLength(1); j++)
            {
                e = Math.Max(e, Math.Abs(c[i, j] - (i == j ? scale : 0)));
            }
        }
        return e;
    }

    public static double MaxAbsDiff(double[,] a, double[,] b)
    {
        double e = 0;
        for (int i = 0; i < a.GetLength(0); i++)
        {
            for (int j = 0; j < a.GetLength(1); j++)
            {
                e = Math.Max(e, Math.Abs(a[i, j] - b[i, j]));
            }
        }
        return e;
    }

    public static double[] Flat(double[,] m) => m.Cast<double>().ToArray();

    /// <summary>A fresh empty directory under the temp path, deleted on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"gs-data-{Guid.NewGuid():N}");

        public TempDir() => Directory.CreateDirectory(Path);

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    /// <summary>Writes a gzipped IDX file: big-endian magic and sizes, then the bytes.</summary>
    public static void WriteIdxGz(string path, int magic, int[] dims, byte[] data)
    {
        using var f = System.IO.File.Create(path);
        using var gz = new GZipStream(f, CompressionLevel.Fastest);
        void Word(int v)
        {
            gz.WriteByte((byte)(v >> 24));
            gz.WriteByte((byte)(v >> 16));
            gz.WriteByte((byte)(v >> 8));
            gz.WriteByte((byte)v);
        }
        Word(magic);
        foreach (int d in dims)
        {
            Word(d);
        }
        gz.Write(data);
    }
}
