using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Views;
using Persona.Server.Security;
using Persona.Serving.Access;

namespace Persona.Server.Apis;

/// <summary>The data subject's rights: <c>GET /v1/users/{userId}/export</c>, everything held about one user.</summary>
public static class PrivacyApi
{
    /// <summary>The most of a user's retained events an export lists (the newest ones).</summary>
    public const int MaxEvents = 100_000;

    public static IEndpointRouteBuilder MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/users/{userId}/export", Export)
            .WithTags("Privacy")
            .WithSummary("Everything held about a user, as JSON: the user record with its consent, the profile, the events still retained, segments, and the recommendations this server served them")
            .RequireScope(Scopes.Privacy);
        return app;
    }

    internal static async Task<Results<Ok<UserExport>, ProblemHttpResult>> Export(
        string userId, IProfileStore store, ProfileViews views, SegmentBook book, ProfileEngine engine, ServerOptions options, TimeProvider clock, CancellationToken ct) =>
        await Task.Run<Results<Ok<UserExport>, ProblemHttpResult>>(() =>
        {
            userId = Ids.FromPath(userId);
            var user = store.FindUser(userId);
            var profile = views.Read(userId, k: 100)?.View;
            var events = store.History(userId, MaxEvents);
            if (user is null && profile is null && events.Count == 0)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown user", detail: $"userId: nothing is held about '{QueryValue.Shorten(userId)}'");
            }

            ct.ThrowIfCancellationRequested();
            var served = ImpressionLog.ReadBack(options.DataDirectory)
                .Where(i => i.UserId == userId)
                .Select(i => new ServedRecommendation(i.RecommendationId, DateTimeOffset.FromUnixTimeMilliseconds(i.AtMs), i.Model, i.Experiment, i.Variant, i.Items))
                .ToList();
            using var canonical = JsonDocument.Parse(CanonicalJson.Array(events, engine.Types));
            return TypedResults.Ok(new UserExport(
                userId, clock.GetUtcNow(), user, profile, canonical.RootElement.Clone(), book.SegmentsOf(userId), served));
        }, ct);
}

/// <summary>
/// Everything held about one user: the user record (signup, declared preferences, consent), the profile as served,
/// the events still retained (canonical JSON, oldest first), the segments they are in, and the recommendations this
/// server served them (what it logged; in a cluster, each silo logs the answers it served).
/// </summary>
public sealed record UserExport(
    string UserId,
    DateTimeOffset ExportedAt,
    UserRecord? User,
    ProfileView? Profile,
    JsonElement Events,
    IReadOnlyList<string> Segments,
    IReadOnlyList<ServedRecommendation> RecommendationsServed);

/// <summary>One answer served to the user: when, by which model, in which experiment arm, and the items shown.</summary>
public sealed record ServedRecommendation(string RecommendationId, DateTimeOffset At, string Model, string? Experiment, string? Variant, IReadOnlyList<string> Items);
