using Microsoft.Data.Sqlite;

namespace Gradscope.Tests.Lab.Store;

/// <summary>A fresh temporary directory for a store, deleted (with every connection released) on Dispose.</summary>
internal sealed class TempStoreDir : IDisposable
{
    public TempStoreDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"gs-store-{Guid.NewGuid():N}");
    }

    public string Path { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
