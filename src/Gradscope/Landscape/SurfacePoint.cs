namespace Gradscope.Landscape;

/// <summary>
/// One evaluated point of a landscape grid or path: indices (I along α, J along β), coordinates, and
/// the full-batch loss on the training split there. For a 1-D slice or an interpolation J = 0 and
/// Beta = 0. TestLoss is NaN without a test split; Accuracy (on the training split, like Loss) is NaN
/// unless the task is classification (labelled data, or a cross-entropy/logistic/hinge loss).
/// </summary>
public sealed record SurfacePoint(int I, int J, double Alpha, double Beta, double Loss, double TestLoss, double Accuracy)
{
    /// <summary>Accuracy on the test split; NaN without one or when not classification.</summary>
    public double TestAccuracy { get; init; } = double.NaN;
}
