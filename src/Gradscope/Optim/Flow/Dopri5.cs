using System.Numerics;

namespace Gradscope.Optim.Flow;

/// <summary>Tolerances and step-size control of <see cref="Dopri5{T}"/> (defaults of Hairer's dopri5.f where it has them).</summary>
public sealed record Dopri5Options
{
    public double Rtol { get; init; } = 1e-6;

    public double Atol { get; init; } = 1e-9;

    /// <summary>Safety factor of the step-size prediction.</summary>
    public double Safety { get; init; } = 0.9;

    /// <summary>Bounds of h_new / h: at least MinFactor, at most MaxFactor.</summary>
    public double MinFactor { get; init; } = 0.2;

    public double MaxFactor { get; init; } = 10;

    /// <summary>Lund stabilisation exponent β of the PI controller (0 = plain I controller).</summary>
    public double Beta { get; init; } = 0.04;

    /// <summary>First step size (null: Hairer's automatic choice).</summary>
    public double? InitialStep { get; init; }

    public double MaxStep { get; init; } = double.PositiveInfinity;
}

/// <summary>
/// The Dormand–Prince 5(4) embedded Runge–Kutta pair (Dormand &amp; Prince 1980; Hairer, Nørsett &amp;
/// Wanner, Solving ODEs I, §II.5, Table 5.2, and their code dopri5.f): seven stages with the last
/// equal to the first of the next step (FSAL), local extrapolation (the 5th-order solution is kept),
/// error estimate from the embedded 4th-order solution measured in the norm
/// err = sqrt(mean_i (e_i / (atol + rtol·max(|y0_i|, |y1_i|)))²), accepted when err ≤ 1, and the step
/// size controller h_new = h / clamp(err^(1/5 − 0.75β) / err_old^β / safety, 1/MaxFactor, 1/MinFactor)
/// (no growth right after a rejection). Dense output is the order-4 continuous extension of dopri5.f
/// (coefficients d1…d7, Shampine 1986), so outputs at any time inside a step cost no extra evaluation.
/// </summary>
public sealed class Dopri5<T> : FlowStepper<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Butcher tableau (Hairer–Nørsett–Wanner Table 5.2).
    private const double C2 = 0.2, C3 = 0.3, C4 = 0.8, C5 = 8.0 / 9.0;
    private const double A21 = 0.2;
    private const double A31 = 3.0 / 40.0, A32 = 9.0 / 40.0;
    private const double A41 = 44.0 / 45.0, A42 = -56.0 / 15.0, A43 = 32.0 / 9.0;
    private const double A51 = 19372.0 / 6561.0, A52 = -25360.0 / 2187.0, A53 = 64448.0 / 6561.0, A54 = -212.0 / 729.0;
    private const double A61 = 9017.0 / 3168.0, A62 = -355.0 / 33.0, A63 = 46732.0 / 5247.0, A64 = 49.0 / 176.0, A65 = -5103.0 / 18656.0;
    private const double A71 = 35.0 / 384.0, A73 = 500.0 / 1113.0, A74 = 125.0 / 192.0, A75 = -2187.0 / 6784.0, A76 = 11.0 / 84.0;
    // Error coefficients: 5th-order weights minus the embedded 4th-order ones.
    private const double E1 = 71.0 / 57600.0, E3 = -71.0 / 16695.0, E4 = 71.0 / 1920.0, E5 = -17253.0 / 339200.0, E6 = 22.0 / 525.0, E7 = -1.0 / 40.0;
    // Dense output (dopri5.f, CONTD5).
    private const double D1 = -12715105075.0 / 11282082432.0, D3 = 87487479700.0 / 32700410799.0, D4 = -10690763975.0 / 1880347072.0,
        D5 = 701980252875.0 / 199316789632.0, D6 = -1453857185.0 / 822651844.0, D7 = 69997945.0 / 29380423.0;

    private T[] _k2 = [], _k3 = [], _k4 = [], _k5 = [], _k6 = [], _k7 = [], _ys = [], _y1 = [];
    private T[] _r1 = [], _r2 = [], _r3 = [], _r4 = [], _r5 = [];
    private double _hLast;

    public Dopri5Options Options { get; }

    public Dopri5(Dopri5Options? options = null)
    {
        Options = options ?? new Dopri5Options();
        var o = Options;
        if (!(o.Rtol >= 0) || !(o.Atol >= 0) || (o.Rtol == 0 && o.Atol == 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"rtol and atol must be >= 0 and not both 0, got rtol={o.Rtol} atol={o.Atol}");
        }
        double eps = UnitRoundoff;
        if (o.Rtol > 0 && o.Rtol < 10 * eps)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"rtol {o.Rtol} is below what {typeof(T).Name} arithmetic can deliver (10·ε = {10 * eps:G3})");
        }
        if (!(o.Safety > 0 && o.Safety <= 1) || !(o.MinFactor > 0 && o.MinFactor <= 1) || !(o.MaxFactor >= 1) || !(o.Beta >= 0 && o.Beta <= 0.2))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "need 0 < safety <= 1, 0 < min_factor <= 1 <= max_factor, 0 <= beta <= 0.2");
        }
    }

    public override string Method => "dopri5";

    /// <summary>The machine epsilon of T: 2^-52 (double) or 2^-23 (float).</summary>
    public static double UnitRoundoff => 2 * double.CreateTruncating(T.One - T.BitDecrement(T.One));

    protected override void Allocate(int n)
    {
        _k2 = new T[n];
        _k3 = new T[n];
        _k4 = new T[n];
        _k5 = new T[n];
        _k6 = new T[n];
        _k7 = new T[n];
        _ys = new T[n];
        _y1 = new T[n];
        _r1 = new T[n];
        _r2 = new T[n];
        _r3 = new T[n];
        _r4 = new T[n];
        _r5 = new T[n];
    }

    private double Weight(double y0, double y1) => Options.Atol + (Options.Rtol * Math.Max(Math.Abs(y0), Math.Abs(y1)));

    /// <summary>Hairer's starting step (Solving ODEs I, §II.4): h from ‖y0‖/‖f0‖ and a second-derivative estimate.</summary>
    protected override double InitialStep(IVectorField<T> field)
    {
        if (Options.InitialStep is { } h0)
        {
            return h0 > 0 ? Math.Min(h0, Options.MaxStep) : throw new ArgumentOutOfRangeException(nameof(field), h0, "initial step must be > 0");
        }
        int n = Y.Length;
        if (n == 0)
        {
            return Math.Min(1.0, Options.MaxStep);
        }
        double dnf = 0, dny = 0;
        for (int i = 0; i < n; i++)
        {
            double y = double.CreateTruncating(Y[i]), f = double.CreateTruncating(F[i]);
            double sk = Weight(y, y);
            dnf += f / sk * (f / sk);
            dny += y / sk * (y / sk);
        }
        dnf = Math.Sqrt(dnf / n);
        dny = Math.Sqrt(dny / n);
        double h = dnf <= 1e-5 || dny <= 1e-5 ? 1e-6 : 0.01 * dny / dnf;
        h = Math.Min(h, Options.MaxStep);
        T ht = T.CreateTruncating(h);
        for (int i = 0; i < n; i++)
        {
            _ys[i] = Y[i] + (ht * F[i]);
        }
        Eval(field, Time + h, _ys, _k2);
        double der2 = 0;
        for (int i = 0; i < n; i++)
        {
            double d = double.CreateTruncating(_k2[i] - F[i]) / Weight(double.CreateTruncating(Y[i]), double.CreateTruncating(Y[i]));
            der2 += d * d;
        }
        der2 = Math.Sqrt(der2 / n) / h;
        double der12 = Math.Max(Math.Abs(der2), dnf);
        double h1 = der12 <= 1e-15 ? Math.Max(1e-6, h * 1e-3) : Math.Pow(0.01 / der12, 0.2);
        return Math.Min(Math.Min(100 * h, h1), Options.MaxStep);
    }

    protected override void TakeStep(IVectorField<T> field, double tMax)
    {
        var o = Options;
        int n = Y.Length;
        double expo1 = 0.2 - (o.Beta * 0.75);
        double facc1 = 1 / o.MinFactor, facc2 = 1 / o.MaxFactor;
        bool reject = false;
        double hd = Math.Min(H, o.MaxStep);
        while (true)
        {
            // Hairer: stretch the step to the end time rather than leave a remainder under 1% of h.
            bool last = false;
            if (Time + (1.01 * hd) - tMax >= 0)
            {
                hd = tMax - Time;
                last = true;
            }
            if (!(hd > 0) || 0.1 * hd <= Math.Abs(Time) * 2.220446049250313e-16 || hd < 1e-300)
            {
                throw new FlowIntegrationException($"dopri5: step size underflow (h = {hd:G3}) at t = {Time}: the field is non-finite or the problem too stiff", Time);
            }
            T h = T.CreateTruncating(hd);
            var y = Y;
            var k1 = F;
            for (int i = 0; i < n; i++)
            {
                _ys[i] = y[i] + (h * (T.CreateTruncating(A21) * k1[i]));
            }
            Eval(field, Time + (C2 * hd), _ys, _k2);
            T a31 = T.CreateTruncating(A31), a32 = T.CreateTruncating(A32);
            for (int i = 0; i < n; i++)
            {
                _ys[i] = y[i] + (h * ((a31 * k1[i]) + (a32 * _k2[i])));
            }
            Eval(field, Time + (C3 * hd), _ys, _k3);
            T a41 = T.CreateTruncating(A41), a42 = T.CreateTruncating(A42), a43 = T.CreateTruncating(A43);
            for (int i = 0; i < n; i++)
            {
                _ys[i] = y[i] + (h * ((a41 * k1[i]) + (a42 * _k2[i]) + (a43 * _k3[i])));
            }
            Eval(field, Time + (C4 * hd), _ys, _k4);
            T a51 = T.CreateTruncating(A51), a52 = T.CreateTruncating(A52), a53 = T.CreateTruncating(A53), a54 = T.CreateTruncating(A54);
            for (int i = 0; i < n; i++)
            {
                _ys[i] = y[i] + (h * ((a51 * k1[i]) + (a52 * _k2[i]) + (a53 * _k3[i]) + (a54 * _k4[i])));
            }
            Eval(field, Time + (C5 * hd), _ys, _k5);
            T a61 = T.CreateTruncating(A61), a62 = T.CreateTruncating(A62), a63 = T.CreateTruncating(A63), a64 = T.CreateTruncating(A64), a65 = T.CreateTruncating(A65);
            for (int i = 0; i < n; i++)
            {
                _ys[i] = y[i] + (h * ((a61 * k1[i]) + (a62 * _k2[i]) + (a63 * _k3[i]) + (a64 * _k4[i]) + (a65 * _k5[i])));
            }
            double tNew = last ? tMax : Time + hd;
            Eval(field, tNew, _ys, _k6);
            T a71 = T.CreateTruncating(A71), a73 = T.CreateTruncating(A73), a74 = T.CreateTruncating(A74), a75 = T.CreateTruncating(A75), a76 = T.CreateTruncating(A76);
            for (int i = 0; i < n; i++)
            {
                _y1[i] = y[i] + (h * ((a71 * k1[i]) + (a73 * _k3[i]) + (a74 * _k4[i]) + (a75 * _k5[i]) + (a76 * _k6[i])));
            }
            Eval(field, tNew, _y1, _k7);

            T e1 = T.CreateTruncating(E1), e3 = T.CreateTruncating(E3), e4 = T.CreateTruncating(E4), e5 = T.CreateTruncating(E5), e6 = T.CreateTruncating(E6), e7 = T.CreateTruncating(E7);
            double err = 0;
            for (int i = 0; i < n; i++)
            {
                T e = h * ((e1 * k1[i]) + (e3 * _k3[i]) + (e4 * _k4[i]) + (e5 * _k5[i]) + (e6 * _k6[i]) + (e7 * _k7[i]));
                double r = double.CreateTruncating(e) / Weight(double.CreateTruncating(y[i]), double.CreateTruncating(_y1[i]));
                err += r * r;
            }
            err = n == 0 ? 0 : Math.Sqrt(err / n);
            if (!double.IsFinite(err))
            {
                err = double.PositiveInfinity;
            }
            double fac11 = Math.Pow(err, expo1);
            if (err <= 1)
            {
                // Lund stabilisation (PI control): divide by the previous accepted error to the power β.
                double fac = fac11 / Math.Pow(FacOld, o.Beta);
                fac = Math.Max(facc2, Math.Min(facc1, fac / o.Safety));
                double hNew = hd / fac;
                FacOld = Math.Max(err, 1e-4);
                Accepted++;
                SetDenseOutput(h);
                _hLast = hd;
                PrevTime = Time;
                Time = tNew;
                Array.Copy(_y1, Y, n);
                Array.Copy(_k7, F, n);
                hNew = Math.Min(hNew, o.MaxStep);
                if (reject)
                {
                    hNew = Math.Min(hNew, hd);
                }
                H = hNew;
                return;
            }
            Rejected++;
            reject = true;
            hd /= Math.Min(facc1, fac11 / o.Safety);
            H = hd;
        }
    }

    private void SetDenseOutput(T h)
    {
        T d1 = T.CreateTruncating(D1), d3 = T.CreateTruncating(D3), d4 = T.CreateTruncating(D4), d5 = T.CreateTruncating(D5), d6 = T.CreateTruncating(D6), d7 = T.CreateTruncating(D7);
        for (int i = 0; i < Y.Length; i++)
        {
            T ydiff = _y1[i] - Y[i];
            T bspl = (h * F[i]) - ydiff;
            _r1[i] = Y[i];
            _r2[i] = ydiff;
            _r3[i] = bspl;
            _r4[i] = ydiff - (h * _k7[i]) - bspl;
            _r5[i] = h * ((d1 * F[i]) + (d3 * _k3[i]) + (d4 * _k4[i]) + (d5 * _k5[i]) + (d6 * _k6[i]) + (d7 * _k7[i]));
        }
    }

    protected override void DenseOutput(double t, Span<T> y)
    {
        double th = (t - PrevTime) / _hLast;
        T theta = T.CreateTruncating(th), theta1 = T.CreateTruncating(1 - th);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = _r1[i] + (theta * (_r2[i] + (theta1 * (_r3[i] + (theta * (_r4[i] + (theta1 * _r5[i])))))));
        }
    }
}
