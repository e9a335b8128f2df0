using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Persona.Core.Engine;
using Persona.Core.Pipeline;
using Persona.Core.Views;
using Persona.Models.Serving;
using Persona.Server.Models;

namespace Persona.Server.Apis;

/// <summary>GET /v1/users/{userId}/profile.</summary>
public static class ProfilesApi
{
    public static IEndpointRouteBuilder MapProfilesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/users/{userId}/profile", GetProfile)
            .WithTags("Profiles")
            .WithSummary("A user's profile now; explain=true adds the events behind each top interest");
        return app;
    }

    /// <summary>
    /// A profile read. One in memory is read where the request arrived (an I/O thread, by default); one that
    /// must come from disk, and <c>explain</c> (which reads the log), go to the thread pool first, so that no
    /// I/O thread, and none of the other connections it serves, waits on the disk.
    /// </summary>
    internal static ValueTask<Results<Ok<ProfileView>, ProblemHttpResult>> GetProfile(
        string userId, IProfileStore store, ProfileReader reader, TimeProvider clock, PersonaMetrics metrics, ModelHost models, PredictionCache cache, bool explain = false, int k = 10)
    {
        var start = Stopwatch.GetTimestamp();
        if (k is < 1 or > 100)
        {
            return ValueTask.FromResult<Results<Ok<ProfileView>, ProblemHttpResult>>(TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad parameter", detail: $"k: {k} is outside 1..100"));
        }

        return explain || !store.IsInMemory(userId)
            ? new ValueTask<Results<Ok<ProfileView>, ProblemHttpResult>>(Task.Run(() => Read(userId, store, reader, clock, metrics, models.Current, cache, explain, k, start)))
            : ValueTask.FromResult(Read(userId, store, reader, clock, metrics, models.Current, cache, explain, k, start));
    }

    /// <summary>
    /// The profile and, with models in service, their predictions: reused from the cache while the model
    /// set, the profile's log position and the minute are the same; otherwise the features are taken under
    /// the same hold of the state as the view, and the models run after it is released.
    /// </summary>
    private static Results<Ok<ProfileView>, ProblemHttpResult> Read(
        string userId, IProfileStore store, ProfileReader reader, TimeProvider clock, PersonaMetrics metrics, ModelSet models, PredictionCache cache, bool explain, int k, long start)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var minute = now / 60_000;
        var read = store.Read(userId, s =>
        {
            var v = reader.Read(s, store.Catalog, now, k);
            if (models.IsEmpty)
            {
                return new ProfileRead(v, null, null);
            }

            return cache.TryGet(userId, models.Id, s.AppliedSeq, minute, out var cached)
                ? new ProfileRead(v, cached, null)
                : new ProfileRead(v, null, models.Capture(s, store.Catalog, now));
        });
        if (read is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown user", detail: $"userId: no profile for '{userId}'");
        }

        var view = read.View;
        if (read.Inputs is { } inputs)
        {
            var predictions = models.Predict(inputs, view.RecentItems);
            cache.Set(userId, models.Id, minute, predictions);
            view = view with { Predictions = predictions };
        }
        else if (read.Cached is { } cachedPredictions)
        {
            view = view with { Predictions = cachedPredictions };
        }

        if (explain)
        {
            var history = store.History(userId);
            var explained = store.Read(userId, s => reader.Explain(s, history, store.Catalog, now, Math.Min(k, 5)));
            view = view with { Explain = explained };
        }

        metrics.RecordRead(Stopwatch.GetElapsedTime(start).TotalSeconds);
        return TypedResults.Ok(view);
    }

    private sealed record ProfileRead(ProfileView View, PredictionsView? Cached, ModelInputs? Inputs);
}
