using Gradscope.Tensors.Native;

namespace Gradscope.Linalg;

/// <summary>Which implementation the dense decompositions use.</summary>
public enum LinalgBackend
{
    /// <summary>LAPACK (OpenBLAS) when the library is available, otherwise managed.</summary>
    Auto,

    /// <summary>Managed code only (Math.NET Numerics and Gradscope's own kernels).</summary>
    Managed,

    /// <summary>
    /// LAPACK through OpenBLAS. When OpenBLAS cannot be loaded the managed path is used and one
    /// line on stderr says so: OpenBLAS is an accelerator, never a requirement.
    /// </summary>
    Lapack,
}

/// <summary>Process-wide linear-algebra settings.</summary>
public static class LinalgSettings
{
    private static volatile LinalgBackend s_backend = LinalgBackend.Auto;

    /// <summary>
    /// The backend used by calls that do not name one (default <see cref="LinalgBackend.Auto"/>).
    /// Every decomposition also takes an optional backend argument that overrides this.
    /// </summary>
    public static LinalgBackend Backend
    {
        get => s_backend;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown linear-algebra backend.");
            }
            s_backend = value;
        }
    }

    /// <summary>True when a call asking for <paramref name="requested"/> (null: the process setting) runs on LAPACK.</summary>
    public static bool UsesLapack(LinalgBackend? requested = null)
    {
        LinalgBackend backend = requested ?? Backend;
        if (backend == LinalgBackend.Managed)
        {
            return false;
        }
        if (OpenBlasLibrary.IsAvailable)
        {
            return true;
        }
        OpenBlasLibrary.ReportFallbackOnce("linear algebra (eigen/SVD/QR)");
        return false;
    }
}
