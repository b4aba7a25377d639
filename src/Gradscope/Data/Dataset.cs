using System.Numerics;
using Gradscope.Tensors;

namespace Gradscope.Data;

/// <summary>The task kind a dataset poses: real-valued targets or class labels.</summary>
public enum TaskKind
{
    Regression,
    Classification,
}

/// <summary>
/// The singular structure of a linear teacher y = A x, A = U diag(s) Vᵀ (Saxe et al. 2014):
/// needed by mode-strength probes, the aligned initialisation and the closed-form theory.
/// U is [outputs, r], V is [inputs, r], both with orthonormal columns; s descending.
/// </summary>
public sealed record LinearTeacher(double[] SingularValues, Tensor<double> U, Tensor<double> V, Tensor<double> Matrix);

/// <summary>
/// One split of data: inputs X [n, d]; targets Y [n, k] (for classification, one-hot rows of the
/// labels) and the integer labels themselves.
/// </summary>
public sealed record DataSplit<T>(Tensor<T> X, Tensor<T> Y, int[]? Labels) where T : unmanaged, IFloatingPointIeee754<T>
{
    public int Count => X.Shape[0];
}

/// <summary>A dataset as the trainer sees it: train split, optional test split, and what generated it.</summary>
public sealed record Dataset<T>(
    string Kind,
    TaskKind Task,
    DataSplit<T> Train,
    DataSplit<T>? Test,
    int Classes,
    LinearTeacher? Teacher = null) where T : unmanaged, IFloatingPointIeee754<T>
{
    public int InputSize => Train.X.Shape[1];

    public int OutputSize => Train.Y.Shape[1];
}
