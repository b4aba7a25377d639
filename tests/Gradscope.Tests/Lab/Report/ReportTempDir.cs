namespace Gradscope.Tests.Lab.Report;

/// <summary>A fresh folder under the temp directory, removed after the test.</summary>
internal sealed class ReportTempDir : IDisposable
{
    public ReportTempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gradscope-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a leftover temp folder is not a test failure
        }
    }
}
