namespace Gradscope.Data;

/// <summary>
/// A dataset could not be built: a bad option, or a missing or malformed file. The message names
/// the option (as its spec key, e.g. <c>data.singular_values</c>) or the file, and the problem;
/// the CLI reports it as bad input (exit code 2).
/// </summary>
public sealed class DataException : Exception
{
    public DataException()
    {
    }

    public DataException(string message) : base(message)
    {
    }

    public DataException(string message, Exception inner) : base(message, inner)
    {
    }
}
