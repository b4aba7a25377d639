namespace Gradscope.Lab;

/// <summary>
/// Input that cannot run: a spec whose data, files or sizes do not fit together, an unknown run
/// or step. The CLI reports the message and exits with code 2; nothing is written to the store.
/// </summary>
public sealed class BadInputException : Exception
{
    public BadInputException()
    {
    }

    public BadInputException(string message) : base(message)
    {
    }

    public BadInputException(string message, Exception inner) : base(message, inner)
    {
    }
}
