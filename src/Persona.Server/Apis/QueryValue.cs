using System.Globalization;

namespace Persona.Server.Apis;

/// <summary>Reads integer query parameters with a range, so that a bad one is answered with what is wrong with it.</summary>
internal static class QueryValue
{
    /// <summary>The parameter's value (or <paramref name="fallback"/> when absent); null with <paramref name="problem"/> set when it is not an integer in range.</summary>
    public static long? Integer(string? raw, string name, long fallback, long min, long max, out string? problem)
    {
        problem = null;
        if (raw is null)
        {
            return fallback;
        }

        if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            problem = $"{name}: '{Shorten(raw)}' is not an integer";
            return null;
        }

        if (value < min || value > max)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"{name}: {value} is outside {min}..{max}");
            return null;
        }

        return value;
    }

    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad parameter", detail: detail);

    public static IResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    internal static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
