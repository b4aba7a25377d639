using Gradscope.Tensors.Native;

namespace Gradscope.Tests.Linalg;

/// <summary>A fact that is skipped when OpenBLAS (and so LAPACK) cannot be loaded.</summary>
public sealed class LapackFactAttribute : FactAttribute
{
    public LapackFactAttribute()
    {
        if (!OpenBlasLibrary.IsAvailable)
        {
            Skip = $"OpenBLAS ({OpenBlasLibrary.LibraryName}) is not available; LAPACK backend not testable.";
        }
    }
}

/// <summary>A theory that is skipped when OpenBLAS (and so LAPACK) cannot be loaded.</summary>
public sealed class LapackTheoryAttribute : TheoryAttribute
{
    public LapackTheoryAttribute()
    {
        if (!OpenBlasLibrary.IsAvailable)
        {
            Skip = $"OpenBLAS ({OpenBlasLibrary.LibraryName}) is not available; LAPACK backend not testable.";
        }
    }
}
