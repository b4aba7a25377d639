using System.Runtime.InteropServices;

namespace Gradscope.Tensors.Native;

/// <summary>
/// Locates the optional OpenBLAS shared library (Debian package <c>libopenblas0-pthread</c>).
/// OpenBLAS is an accelerator, never a requirement: when it is absent every caller falls back to
/// the managed kernels, and one informational line says so (on stderr, once per process).
/// P/Invoke declarations use <see cref="LibraryName"/>; the runtime resolves it through dlopen.
/// </summary>
public static class OpenBlasLibrary
{
    /// <summary>The soname P/Invoke declarations bind to.</summary>
    public const string LibraryName = "libopenblas.so.0";

    private static readonly Lazy<bool> s_available = new(Probe);
    private static int s_reported;

    /// <summary>True when libopenblas.so.0 can be loaded in this process.</summary>
    public static bool IsAvailable => s_available.Value;

    /// <summary>
    /// Prints (once per process, to stderr) that OpenBLAS was wanted but is absent, and that the
    /// managed path is used instead. Callers invoke it only where OpenBLAS was asked for.
    /// </summary>
    public static void ReportFallbackOnce(string what)
    {
        if (Interlocked.Exchange(ref s_reported, 1) == 0)
        {
            Console.Error.WriteLine(
                $"gradscope: OpenBLAS ({LibraryName}) not found; using managed {what} " +
                "(install Debian package libopenblas0-pthread for the native backend)");
        }
    }

    private static bool Probe()
    {
        if (Environment.GetEnvironmentVariable("GRADSCOPE_NO_OPENBLAS") is "1" or "true")
        {
            return false;
        }
        if (!NativeLibrary.TryLoad(LibraryName, out var handle))
        {
            return false;
        }
        // A usable build exports both CBLAS and LAPACK entry points.
        return NativeLibrary.TryGetExport(handle, "cblas_dgemm", out _)
            && NativeLibrary.TryGetExport(handle, "dsyevd_", out _);
    }
}
