using Persona.Server.OpenApi;
using Persona.Server.Security;
using Persona.Serving.Access;
using Persona.Serving.Analysis;
using Persona.Serving.Privacy;

namespace Persona.Server.Apis;

/// <summary>GET /v1/analysis: behaviour analysis over every profile (funnels, cohorts, interests, habits, price, churn, satisfaction).</summary>
public static class AnalysisApi
{
    public static IEndpointRouteBuilder MapAnalysisApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/analysis", Get)
            .WithTags("Analysis")
            .WithSummary("Funnels by category and channel, cohort retention by first-seen week, interests over users, time habits, price sensitivity, churn risk and satisfaction; one pass over every profile, served again for a minute (fresh=true computes anew); epsilon=E makes every count ε-differentially private")
            .DocumentQuery(QueryParameterDoc.Boolean("fresh", "Compute anew rather than serve the report of the last minute", false), PrivateCounts.EpsilonDoc)
            .Produces<AnalysisAnswer>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireScope(Scopes.Analytics);
        return app;
    }

    internal static async Task<IResult> Get(HttpContext context, AnalysisService analysis, PrivacyBudget budget, string? fresh = null, string? epsilon = null)
    {
        var recompute = false;
        if (fresh is not null && !bool.TryParse(fresh, out recompute))
        {
            return QueryValue.BadRequest($"fresh: '{QueryValue.Shorten(fresh)}' is not true or false");
        }

        if (PrivateCounts.Charge(epsilon, context, budget, out var e, out var left) is { } refused)
        {
            return refused;
        }

        var report = await analysis.ReportAsync(recompute, context.RequestAborted);
        return e is { } eps
            ? TypedResults.Ok(new AnalysisAnswer(PrivateBehaviourReport.Release(report, eps), PrivacyNote.Laplace(eps, PrivateBehaviourReport.Sensitivity, left)))
            : TypedResults.Ok(new AnalysisAnswer(report, null));
    }
}

/// <summary>The analysis, and how it was made private when it was.</summary>
public sealed record AnalysisAnswer(BehaviourReport Report, PrivacyNote? Privacy);
