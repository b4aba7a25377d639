namespace Gradscope.Theory;

/// <summary>
/// Exact learning dynamics of deep linear networks on whitened inputs (Saxe, McClelland and
/// Ganguli 2014, "Exact solutions to the nonlinear dynamics of learning in deep linear neural
/// networks"). Loss L = mean over samples of ½‖W_{L}···W_1 x − y‖² with (1/n)XᵀX = I and
/// teacher y = A x, A = U diag(s) Vᵀ. From decoupled ("aligned") balanced initial conditions every
/// mode of the end-to-end map evolves independently: u_k(t) = u_kᵀ W_end(t) v_k obeys
///   du/dt = L · u^{2 − 2/L} · (s − u)          (L weight matrices)
/// in gradient-flow time t (for GD with step η, t = Σ η). For L = 2 this is logistic:
///   u(t) = s·e^{2st} / (e^{2st} − 1 + s/u0)      (Saxe et al. 2014, eq. 7 with τ = 1)
/// and for L = 1 (linear regression) u(t) = s + (u0 − s)·e^{−t}.
/// </summary>
public static class SaxeModeDynamics
{
    /// <summary>Closed form for two weight matrices.</summary>
    public static double TwoLayer(double s, double u0, double t)
    {
        if (u0 == s)
        {
            return s;
        }
        // Written to avoid overflow of e^{2st} for large t: divide through by e^{2st}.
        double e = Math.Exp(-2 * s * t);
        return s / (1 - e + e * s / u0);
    }

    /// <summary>
    /// u(t) for L weight matrices at each of the (non-decreasing) <paramref name="times"/>:
    /// closed forms for L = 1, 2; otherwise the scalar ODE integrated by classical RK4 (see
    /// <see cref="Advance"/>).
    /// </summary>
    public static double[] Trajectory(double s, double u0, int layers, IReadOnlyList<double> times)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        var r = new double[times.Count];
        double t = 0, u = u0;
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = layers switch
            {
                1 => s + (u0 - s) * Math.Exp(-times[i]),
                2 => TwoLayer(s, u0, times[i]),
                _ => u = Advance(s, u, layers, t, times[i]),
            };
            t = times[i];
        }
        return r;
    }

    /// <summary>
    /// Advances du/dt = L u^{2−2/L}(s − u) from (t, u) to <paramref name="tEnd"/> by classical
    /// RK4 with step h = 1e-3 / (L·max(s, u)^{2−2/L}), a thousandth of the fastest time scale
    /// along the path, so the integration error (O(h⁴)) is far below any measurement (tests
    /// check it against the L = 2 closed form).
    /// </summary>
    public static double Advance(double s, double u, int layers, double t, double tEnd)
    {
        double p = 2 - 2.0 / layers;
        double Rhs(double v) => layers * Math.Pow(Math.Max(v, 0), p) * (s - v);
        double h = 1e-3 / (layers * Math.Pow(Math.Max(s, u), p) + 1e-300);
        while (t < tEnd)
        {
            double dt = Math.Min(h, tEnd - t);
            double k1 = Rhs(u);
            double k2 = Rhs(u + 0.5 * dt * k1);
            double k3 = Rhs(u + 0.5 * dt * k2);
            double k4 = Rhs(u + dt * k3);
            u += dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
            t += dt;
        }
        return u;
    }

    /// <summary>
    /// Time for a two-layer mode to grow from u0 to uf (Saxe et al. 2014, eq. 8 with τ = 1):
    /// t = (1/2s)·ln(u_f (s − u0) / (u0 (s − u_f))).
    /// </summary>
    public static double LearningTime(double s, double u0, double uf) =>
        1 / (2 * s) * Math.Log(uf * (s - u0) / (u0 * (s - uf)));
}
