using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Views;
using Persona.Server.Security;
using Persona.Serving.Access;
using Persona.Serving.Privacy;

namespace Persona.Server.Apis;

/// <summary>
/// The data subject's rights: <c>GET /v1/users/{userId}/export</c>, everything held about one user;
/// <c>DELETE /v1/users/{userId}</c>, their erasure; and <c>POST /v1/admin/compact</c>, which purges the files of
/// deleted data at once instead of within the purge bound.
/// </summary>
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
        app.MapDelete("/v1/users/{userId}", Erase)
            .WithTags("Privacy")
            .WithSummary("Erases a user: profile, user record, logged events, dead letters, segment membership (a leave change per segment), cached predictions and served answers; gone for every read at once, and from the files at the next purge (POST /v1/admin/compact, or within the purge bound). A later event for the same id starts a new, empty profile")
            .RequireScope(Scopes.Privacy);
        app.MapPost("/v1/admin/compact", Compact)
            .WithTags("Privacy")
            .WithSummary("Retention, then a purge: the store's files rewritten without deleted data, the impression files without erased users' answers. Takes as long as a full compaction")
            .RequireScope(Scopes.Admin);
        return app;
    }

    internal static async Task<Results<Ok<UserErasureResult>, ProblemHttpResult>> Erase(string userId, UserErasure erasure, CancellationToken ct) =>
        await Task.Run<Results<Ok<UserErasureResult>, ProblemHttpResult>>(() =>
        {
            userId = Ids.FromPath(userId);
            var result = erasure.Erase(userId);
            return result.Found
                ? TypedResults.Ok(result)
                : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown user", detail: $"userId: nothing is held about '{QueryValue.Shorten(userId)}'");
        }, ct);

    internal static async Task<Ok<CompactResult>> Compact(UserErasure erasure, IStoreMaintenance maintenance) =>
        await Task.Run(() =>
        {
            var retention = maintenance.CompactRetention();
            var purge = erasure.Purge();
            return TypedResults.Ok(new CompactResult(retention, purge.Erasures, purge.Answers, purge.Milliseconds));
        });

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Maintainability", "CA1506:Avoid excessive class coupling", Justification = "An export gathers what every part of the service holds about the user, so it names each of them")]
    internal static async Task<Results<Ok<UserExport>, ProblemHttpResult>> Export(
        string userId,
        IProfileStore store,
        ProfileViews views,
        SegmentBook book,
        ProfileEngine engine,
        Pseudonyms pseudonyms,
        ErasureLedger erasures,
        ServerOptions options,
        TimeProvider clock,
        CancellationToken ct) =>
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
            var served = ImpressionLog.ReadBackFor(options.DataDirectory, userId, pseudonyms, erasures)
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

/// <summary>What <c>POST /v1/admin/compact</c> did: log records deleted by retention, erasures purged, logged answers removed, and the purge's time.</summary>
public sealed record CompactResult(long LogRecordsDeleted, int ErasuresPurged, long AnswersRemoved, long PurgeMilliseconds);
