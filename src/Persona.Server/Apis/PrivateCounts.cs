using System.Globalization;
using Persona.Server.OpenApi;
using Persona.Server.Security;
using Persona.Serving.Access;
using Persona.Serving.Privacy;

namespace Persona.Server.Apis;

/// <summary>
/// The <c>epsilon</c> query parameter of the aggregate routes: parsed, charged to the key's daily privacy budget
/// (<see cref="PrivacyBudget"/>), and described in the answer (<see cref="PrivacyNote"/>).
/// </summary>
internal static class PrivateCounts
{
    /// <summary>The largest ε one request may ask for.</summary>
    public const double MaxEpsilon = 10;

    /// <summary>The <c>epsilon</c> parameter in the API document.</summary>
    public static QueryParameterDoc EpsilonDoc { get; } = QueryParameterDoc.Number(
        "epsilon", "Answer with ε-differential privacy at this ε (charged to the key's daily budget); absent: exact counts", 0, MaxEpsilon, exclusiveMinimum: true);

    /// <summary>
    /// The ε asked for (null: an exact answer), or a 400 problem for a bad value, or a 429 problem when the key's
    /// budget for today cannot pay it; on success the budget is charged and <paramref name="left"/> says what remains.
    /// </summary>
    public static IResult? Charge(string? raw, HttpContext context, PrivacyBudget budget, out double? epsilon, out double left)
    {
        epsilon = null;
        left = budget.PerDay;
        if (raw is null)
        {
            return null;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var e) || !double.IsFinite(e) || e <= 0 || e > MaxEpsilon)
        {
            return QueryValue.BadRequest($"epsilon: '{QueryValue.Shorten(raw)}' is not a number in (0, {MaxEpsilon}]");
        }

        var key = context.Items[AccessMiddleware.KeyItem] is ApiKey k ? k.Id : "(no key)";
        if (!budget.TrySpend(key, e, out left))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Privacy budget spent",
                detail: $"epsilon: {e} is more than the {Math.Max(0, left):0.###} left of this key's {budget.PerDay} for today (UTC)",
                type: "https://persona.dev/problems/privacy-budget");
        }

        epsilon = e;
        return null;
    }
}

/// <summary>
/// How a differentially private answer was made: the mechanism, ε spent, the sensitivity of the released counts (the
/// most one user changes them, summed), the noise scale b, the expected absolute error of each count (b), the
/// half-width holding 95 % of answers (b·ln 20), and what is left of the key's budget today.
/// </summary>
public sealed record PrivacyNote(string Mechanism, double Epsilon, double Sensitivity, double Scale, double ExpectedAbsoluteError, double Interval95, double BudgetLeftToday)
{
    public static PrivacyNote Laplace(double epsilon, double sensitivity, double left)
    {
        var scale = LaplaceMechanism.Scale(sensitivity, epsilon);
        return new PrivacyNote("laplace", epsilon, sensitivity, Math.Round(scale, 4), Math.Round(scale, 4), Math.Round(LaplaceMechanism.Interval95(scale), 4), Math.Round(left, 6));
    }
}
