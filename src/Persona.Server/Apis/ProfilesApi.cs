using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Views;
using Persona.Server.OpenApi;
using Persona.Server.Security;
using Persona.Serving.Access;

namespace Persona.Server.Apis;

/// <summary>GET /v1/users/{userId}/profile.</summary>
public static class ProfilesApi
{
    public static IEndpointRouteBuilder MapProfilesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/users/{userId}/profile", GetProfile)
            .WithTags("Profiles")
            .WithSummary("A user's profile now; explain=true adds the events behind each top interest")
            .DocumentQuery(QueryParameterDoc.WholeNumber("k", "Top interests listed per kind", 10, 1, 100), QueryParameterDoc.Boolean("explain", "Add the events behind each top interest", false))
            .RequireScope(Scopes.Read);
        return app;
    }

    /// <summary>
    /// A profile read. One in memory is read where the request arrived (an I/O thread, by default); one that
    /// must come from disk, and <c>explain</c> (which reads the log), go to the thread pool first, so that no
    /// I/O thread, and none of the other connections it serves, waits on the disk.
    /// </summary>
    internal static ValueTask<Results<Ok<ProfileView>, ProblemHttpResult>> GetProfile(
        string userId, IProfileStore store, ProfileViews views, PersonaMetrics metrics, bool explain = false, int k = 10)
    {
        var start = Stopwatch.GetTimestamp();
        userId = Ids.FromPath(userId);
        if (k is < 1 or > 100)
        {
            return ValueTask.FromResult<Results<Ok<ProfileView>, ProblemHttpResult>>(TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad parameter", detail: $"k: {k} is outside 1..100"));
        }

        return explain || !store.IsInMemory(userId)
            ? new ValueTask<Results<Ok<ProfileView>, ProblemHttpResult>>(Task.Run(() => Read(userId, views, metrics, explain, k, start)))
            : ValueTask.FromResult(Read(userId, views, metrics, explain, k, start));
    }

    private static Results<Ok<ProfileView>, ProblemHttpResult> Read(string userId, ProfileViews views, PersonaMetrics metrics, bool explain, int k, long start)
    {
        var served = views.Read(userId, k, explain);
        if (served is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown user", detail: $"userId: no profile for '{userId}'");
        }

        metrics.RecordRead(Stopwatch.GetElapsedTime(start).TotalSeconds);
        return TypedResults.Ok(served.View);
    }
}
