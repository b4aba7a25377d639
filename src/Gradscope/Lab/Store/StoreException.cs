namespace Gradscope.Lab.Store;

/// <summary>
/// A problem the user can fix: an unsupported or unusable store location, an unknown or
/// ambiguous run id, a store written by a newer Gradscope. The CLI maps it to exit code 2
/// (bad input); database failures (I/O, corruption) surface as their provider's exceptions.
/// </summary>
public sealed class StoreException : Exception
{
    public StoreException()
    {
    }

    public StoreException(string message)
        : base(message)
    {
    }

    public StoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
