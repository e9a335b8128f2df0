using Persona.Server.OpenApi;
using Persona.Server.Security;
using Persona.Serving.Access;

namespace Persona.Server.Apis;

/// <summary><c>GET /v1/churn/at-risk?limit=</c>.</summary>
public static class ChurnApi
{
    public const int MaxLimit = 1_000;

    public static IEndpointRouteBuilder MapChurnApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/churn/at-risk", AtRisk)
            .WithTags("Churn")
            .WithSummary("Customers ranked by churn risk × spend, with the top reasons for each risk")
            .DocumentQuery(QueryParameterDoc.WholeNumber("limit", "Customers listed", 50, 1, MaxLimit))
            .Produces<Persona.Serving.Churn.AtRiskReport>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireScope(Scopes.Analytics);
        return app;
    }

    private static async Task<IResult> AtRisk(ChurnWarning warning, HttpContext context, string? limit = null)
    {
        if (QueryValue.Integer(limit, "limit", 50, 1, MaxLimit, out var problem) is not { } n)
        {
            return QueryValue.BadRequest(problem!);
        }

        var ct = context.RequestAborted;
        return TypedResults.Ok(await Task.Run(() => warning.AtRisk((int)n, ct), ct)); // a scan of every profile: off the I/O thread
    }
}
