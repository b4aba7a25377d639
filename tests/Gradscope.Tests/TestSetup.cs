using System.Runtime.CompilerServices;
using Gradscope.Tensors;

namespace Gradscope.Tests;

internal static class TestSetup
{
    /// <summary>Every test runs with arena poisoning: a tensor that outlives its training step turns into NaN.</summary>
    [ModuleInitializer]
    internal static void PoisonArenas() => TensorArena.PoisonOnRelease = true;
}
