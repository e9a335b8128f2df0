using Microsoft.AspNetCore.Http.HttpResults;
using Persona.Core.Pipeline;
using Persona.Storage.RocksDb;

namespace Persona.Server.Apis;

/// <summary>GET /health, /metrics and /v1/deadletter.</summary>
public static class OpsApi
{
    public static IEndpointRouteBuilder MapOpsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (IProfileStore store) => TypedResults.Ok(new HealthResponse("healthy", store.Stats.LogPosition, store.Stats.CheckpointPosition, store.Stats.CachedProfiles)))
            .WithTags("Operations").WithSummary("Liveness and store positions");
        app.MapGet("/metrics", (IProfileStore store, PersonaMetrics metrics, TimeProvider clock) =>
                TypedResults.Text(metrics.Render(store.Stats, clock.GetUtcNow().ToUnixTimeMilliseconds()), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags("Operations").WithSummary("Prometheus metrics");
        app.MapGet("/v1/deadletter", Results<Ok<IReadOnlyList<DeadLetter>>, ProblemHttpResult> (IProfileStore store, int limit = 100) =>
            {
                if (limit is < 1 or > 10_000)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad parameter", detail: $"limit: {limit} is outside 1..10000");
                }

                return store is EmbeddedProfileStore embedded
                    ? TypedResults.Ok(embedded.DeadLetters(limit))
                    : TypedResults.Ok<IReadOnlyList<DeadLetter>>([]);
            })
            .WithTags("Operations").WithSummary("Rejected records with their reasons, newest first");
        return app;
    }
}
