using System.Numerics;

namespace Gradscope.Optim.Flow;

/// <summary>
/// The classical fourth-order Runge–Kutta method with a fixed step h (Hairer, Nørsett &amp; Wanner,
/// Solving ODEs I, §II.1, Table 1.2), dense output by the cubic Hermite interpolant through
/// (y0, F0) and (y1, F1) (ibid. §II.6, Eq. 6.7; third order). F1 is the next step's first stage, so a
/// step costs four evaluations of the field. The last step is shortened to land on the end time.
/// </summary>
public sealed class Rk4<T> : FlowStepper<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _k2 = [], _k3 = [], _k4 = [], _tmp = [], _y0 = [], _f0 = [];
    private double _hLast;

    public double StepSize { get; }

    public Rk4(double stepSize)
    {
        if (!(stepSize > 0) || !double.IsFinite(stepSize))
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "RK4 step size must be > 0");
        }
        StepSize = stepSize;
    }

    public override string Method => "rk4";

    protected override void Allocate(int n)
    {
        _k2 = new T[n];
        _k3 = new T[n];
        _k4 = new T[n];
        _tmp = new T[n];
        _y0 = new T[n];
        _f0 = new T[n];
    }

    protected override double InitialStep(IVectorField<T> field) => StepSize;

    protected override void TakeStep(IVectorField<T> field, double tMax)
    {
        double hd = H;
        // Absorb a floating-point remainder (t accumulated by repeated addition) instead of taking a sliver step.
        if (tMax - Time <= hd * (1 + 1e-9))
        {
            hd = tMax - Time;
        }
        T h = T.CreateTruncating(hd), half = T.CreateTruncating(0.5 * hd), sixth = T.CreateTruncating(hd / 6);
        T two = T.CreateTruncating(2.0);
        int n = Y.Length;
        Array.Copy(Y, _y0, n);
        Array.Copy(F, _f0, n);
        var y = Y;
        var k1 = F;
        for (int i = 0; i < n; i++)
        {
            _tmp[i] = y[i] + (half * k1[i]);
        }
        Eval(field, Time + (0.5 * hd), _tmp, _k2);
        for (int i = 0; i < n; i++)
        {
            _tmp[i] = y[i] + (half * _k2[i]);
        }
        Eval(field, Time + (0.5 * hd), _tmp, _k3);
        for (int i = 0; i < n; i++)
        {
            _tmp[i] = y[i] + (h * _k3[i]);
        }
        Eval(field, Time + hd, _tmp, _k4);
        for (int i = 0; i < n; i++)
        {
            y[i] += sixth * (k1[i] + (two * (_k2[i] + _k3[i])) + _k4[i]);
        }
        PrevTime = Time;
        Time = tMax - Time == hd ? tMax : Time + hd;
        _hLast = hd;
        Eval(field, Time, Y, F);
        Accepted++;
        if (!IsFinite(Y))
        {
            throw new FlowIntegrationException($"rk4: the solution became non-finite at t = {Time}", Time);
        }
    }

    protected override void DenseOutput(double t, Span<T> y)
    {
        // y(θ) = (1−θ)y0 + θy1 + θ(θ−1)[(1−2θ)(y1−y0) + (θ−1)h f0 + θ h f1]
        double th = (t - PrevTime) / _hLast;
        T theta = T.CreateTruncating(th), one = T.One, two = T.CreateTruncating(2.0), h = T.CreateTruncating(_hLast);
        for (int i = 0; i < y.Length; i++)
        {
            T dy = Y[i] - _y0[i];
            y[i] = ((one - theta) * _y0[i]) + (theta * Y[i])
                + (theta * (theta - one) * (((one - (two * theta)) * dy) + ((theta - one) * h * _f0[i]) + (theta * h * F[i])));
        }
    }

    internal static bool IsFinite(ReadOnlySpan<T> v)
    {
        foreach (var x in v)
        {
            if (!T.IsFinite(x))
            {
                return false;
            }
        }
        return true;
    }
}
