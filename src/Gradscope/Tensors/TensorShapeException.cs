namespace Gradscope.Tensors;

/// <summary>Shapes that do not fit an operation. The message names the op and the shapes involved.</summary>
public sealed class TensorShapeException : ArgumentException
{
    public TensorShapeException()
    {
    }

    public TensorShapeException(string message) : base(message)
    {
    }

    public TensorShapeException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>Element types that do not fit an operation (e.g. a float32 file loaded into a float64 model).</summary>
public sealed class TensorDTypeException : ArgumentException
{
    public TensorDTypeException()
    {
    }

    public TensorDTypeException(string message) : base(message)
    {
    }

    public TensorDTypeException(string message, Exception inner) : base(message, inner)
    {
    }
}
