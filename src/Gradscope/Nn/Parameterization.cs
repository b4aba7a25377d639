namespace Gradscope.Nn;

/// <summary>
/// How layer outputs are scaled (the init then sets the weights' own scale).
/// Standard: h' = W h + b. NTK (Jacot et al. 2018): h' = W h / sqrt(fan_in) + b, weights O(1).
/// Mean-field (Mei, Montanari and Nguyen 2018; Chizat and Bach 2018): the output layer is scaled by
/// 1/width, f = (1/n) W_L h, hidden layers standard.
/// </summary>
public enum Parameterization
{
    Standard,
    Ntk,
    MeanField,
}
