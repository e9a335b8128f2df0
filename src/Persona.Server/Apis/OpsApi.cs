using Microsoft.AspNetCore.Http.HttpResults;
using Persona.Core.Pipeline;
using Persona.Core.Sources;
using Persona.Server.OpenApi;
using Persona.Server.Security;
using Persona.Serving.Access;

namespace Persona.Server.Apis;

/// <summary>GET /health, /metrics, /v1/deadletter and /v1/sources.</summary>
public static class OpsApi
{
    public static IEndpointRouteBuilder MapOpsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", GetHealth)
            .WithTags("Operations").WithSummary("200 while the store accepts writes; 503 with the reason once it has failed (reads still work)").OpenWithoutKey();
        app.MapGet("/metrics", (IProfileStore store, PersonaMetrics metrics, TimeProvider clock, IEnumerable<IEventSource> sources) =>
                TypedResults.Text(metrics.Render(store.Stats, store.Health, clock.GetUtcNow().ToUnixTimeMilliseconds(), sources), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags("Operations").WithSummary("Prometheus metrics").OpenWithoutKey();
        app.MapGet("/v1/deadletter", async Task<Results<Ok<IReadOnlyList<DeadLetter>>, ProblemHttpResult>> (IProfileStore store, int limit = 100) =>
                limit is < 1 or > 10_000
                    ? TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad parameter", detail: $"limit: {limit} is outside 1..10000")
                    : TypedResults.Ok(await Task.Run(() => store.DeadLetters(limit)))) // reads the disk: off the I/O threads
            .WithTags("Operations").WithSummary("Rejected records with their reasons, newest first")
            .DocumentQuery(QueryParameterDoc.WholeNumber("limit", "Dead letters listed", 100, 1, 10_000)).RequireScope(Scopes.Admin);
        app.MapGet("/v1/sources", (IEnumerable<IEventSource> sources) => TypedResults.Ok(sources.Select(s => s.Status).ToList()))
            .WithTags("Operations").WithSummary("Event sources besides HTTP (a Redis Stream): lag, pending entries, counters").RequireScope(Scopes.Admin);
        return app;
    }

    internal static Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>> GetHealth(IProfileStore store)
    {
        var stats = store.Stats;
        if (store.Health.Fault is not { } fault)
        {
            return TypedResults.Ok(new HealthResponse("healthy", stats.LogPosition, stats.CheckpointPosition, stats.CachedProfiles));
        }

        return TypedResults.Json(new HealthResponse("unhealthy", stats.LogPosition, stats.CheckpointPosition, stats.CachedProfiles, fault.Reason, fault.Message, fault.At), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
