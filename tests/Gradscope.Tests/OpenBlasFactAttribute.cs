using FsCheck.Xunit;
using Gradscope.Tensors.Native;

namespace Gradscope.Tests;

/// <summary>A fact that is skipped (with the reason) when OpenBLAS cannot be loaded in this process.</summary>
public sealed class OpenBlasFactAttribute : FactAttribute
{
    public OpenBlasFactAttribute()
    {
        if (!OpenBlasLibrary.IsAvailable)
        {
            Skip = OpenBlasSkip.Reason;
        }
    }
}

/// <summary>An FsCheck property that is skipped (with the reason) when OpenBLAS cannot be loaded.</summary>
public sealed class OpenBlasPropertyAttribute : PropertyAttribute
{
    public OpenBlasPropertyAttribute()
    {
        if (!OpenBlasLibrary.IsAvailable)
        {
            Skip = OpenBlasSkip.Reason;
        }
    }
}

internal static class OpenBlasSkip
{
    public static string Reason =>
        $"OpenBLAS ({OpenBlasLibrary.LibraryName}) is not available (or GRADSCOPE_NO_OPENBLAS is set); " +
        "install Debian package libopenblas0-pthread to test the native GEMM backend.";
}
