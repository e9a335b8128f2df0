using System.Security.Cryptography;

namespace Persona.Serving.Privacy;

/// <summary>
/// ε-differential privacy for counts: a count whose value one user can change by at most <c>sensitivity</c> is
/// released with Laplace noise of scale b = sensitivity / ε, rounded and kept at 0 or more (post-processing costs no
/// privacy). The noise comes from the operating system's CSPRNG: a seeded generator would let anyone who knows the
/// seed subtract it. The expected absolute error is b; 95 % of answers are within b·ln 20 ≈ 3b of the truth.
/// Known limit: the floating-point Laplace sampler leaks through its low bits in theory (Mironov 2012); counts are
/// rounded to integers, which removes that channel for them.
/// </summary>
public static class LaplaceMechanism
{
    /// <summary>The noise scale b for <paramref name="sensitivity"/> and <paramref name="epsilon"/>.</summary>
    public static double Scale(double sensitivity, double epsilon) => sensitivity / epsilon;

    /// <summary>Half-width of the interval holding 95 % of the answers around the truth.</summary>
    public static double Interval95(double scale) => scale * Math.Log(20);

    /// <summary><paramref name="count"/> with Laplace noise of scale <paramref name="scale"/>, rounded and at least 0.</summary>
    public static long Release(long count, double scale) => Math.Max(0, (long)Math.Round(count + Sample(scale)));

    /// <summary>One draw of Laplace(0, <paramref name="scale"/>) by inversion of a uniform draw.</summary>
    public static double Sample(double scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);

        // A uniform draw in (0, 1) from 53 random bits, never 0 or 1.
        var bits = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 11;
        var u = (bits + 0.5) / (1UL << 53);
        return u < 0.5 ? scale * Math.Log(2 * u) : -scale * Math.Log(2 * (1 - u));
    }
}
