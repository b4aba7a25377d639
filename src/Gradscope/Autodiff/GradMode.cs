namespace Gradscope.Autodiff;

/// <summary>
/// Whether operations are recorded for differentiation on this thread. Recording is on by default;
/// <see cref="NoGrad"/> turns it off for a scope (evaluation, optimiser updates, probes).
/// </summary>
public static class GradMode
{
    [ThreadStatic]
    private static int t_disabledDepth;

    public static bool Enabled => t_disabledDepth == 0;

    /// <summary>Disables recording until the returned scope is disposed (scopes nest).</summary>
    public static Scope NoGrad()
    {
        t_disabledDepth++;
        return new Scope(false);
    }

    /// <summary>Re-enables recording inside a no-grad scope (used for create_graph backward passes).</summary>
    public static Scope EnableGrad()
    {
        int saved = t_disabledDepth;
        t_disabledDepth = 0;
        return new Scope(true, saved);
    }

    public readonly struct Scope : IDisposable
    {
        private readonly bool _restore;
        private readonly int _saved;

        internal Scope(bool restore, int saved = 0)
        {
            _restore = restore;
            _saved = saved;
        }

        public void Dispose()
        {
            if (_restore)
            {
                t_disabledDepth = _saved;
            }
            else
            {
                t_disabledDepth--;
            }
        }
    }
}
