using Gradscope.Random;

namespace Gradscope.Data;

/// <summary>
/// How a dataset's key is divided: every random ingredient folds in its own tag, so adding an
/// ingredient to one kind never shifts the draws of another, and the hold-out split has a key of
/// its own (<see cref="DataOptions.SplitSeed"/> replaces it).
/// </summary>
internal static class DataKeys
{
    public const ulong First = 1;      // U, teacher W1, directions, cluster means, orthonormal set
    public const ulong Second = 2;     // V, teacher W2, labels
    public const ulong Inputs = 3;     // training inputs (or the cluster noise)
    public const ulong Noise = 4;      // training label noise
    public const ulong TestInputs = 5; // fresh test inputs
    public const ulong TestNoise = 6;  // test label noise
    public const ulong TestLabels = 7; // test labels
    public const ulong Subset = 8;     // subset choice of a file dataset (train)
    public const ulong TestSubset = 9; // subset choice of a file dataset (test)
    private const ulong Split = 0x5EED_5B11;

    public static RngKey SplitKey(RngKey key, long? splitSeed) =>
        splitSeed is long s ? RngKey.FromSeed(s) : key.Fold(Split);
}
