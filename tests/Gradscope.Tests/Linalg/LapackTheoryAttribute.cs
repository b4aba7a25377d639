using Gradscope.Tensors.Native;

namespace Gradscope.Tests.Linalg;

/// <summary>
/// A theory that is skipped when OpenBLAS (and so LAPACK) cannot be loaded; the theory
/// counterpart of <see cref="OpenBlasFactAttribute"/>.
/// </summary>
public sealed class LapackTheoryAttribute : TheoryAttribute
{
    public LapackTheoryAttribute()
    {
        if (!OpenBlasLibrary.IsAvailable)
        {
            Skip = $"OpenBLAS ({OpenBlasLibrary.LibraryName}) is not available; the LAPACK backend cannot be tested.";
        }
    }
}
