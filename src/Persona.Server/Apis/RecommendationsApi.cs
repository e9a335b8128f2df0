using Microsoft.AspNetCore.Http.HttpResults;
using Persona.Core.Ingest;
using Persona.Recommend.Ranking;
using Persona.Server.OpenApi;
using Persona.Server.Security;
using Persona.Serving.Access;

namespace Persona.Server.Apis;

/// <summary>GET /v1/users/{userId}/recommendations and GET /v1/recommendations/stats.</summary>
public static class RecommendationsApi
{
    public const int MaxExcluded = 1_000;

    /// <summary>The most items <c>/v1/recommendations/stats</c> lists.</summary>
    public const int MaxStatsItems = 1_000;
    public const int MaxContextValues = 20;
    public const int MaxContextLength = 512;

    public static IEndpointRouteBuilder MapRecommendationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/users/{userId}/recommendations", Get)
            .WithTags("Recommendations")
            .WithSummary("k items for the user (cold start included), with reasons and a recommendationId to attribute clicks and purchases to; context.* query values (category, brand, query, item, device, page) and exclude=id,id")
            .DocumentQuery(
                QueryParameterDoc.WholeNumber("k", "Items (at most the service's maxK, 100 by default)", 20, 1, new Persona.Recommend.Ranking.RecommenderOptions().MaxK),
                QueryParameterDoc.Text("exclude", $"Item ids to leave out, comma-separated or repeated (at most {MaxExcluded})"),
                QueryParameterDoc.Text("context.category", $"Context values (context.KEY for category, brand, query, item, device, page; at most {MaxContextValues}, each up to {MaxContextLength} characters)"),
                QueryParameterDoc.Boolean("preview", "An answer for people looking at the user (the console), not shown to the user: it is not logged as an impression and clicks are not attributed to it", false))
            .RequireScope(Scopes.Read);
        app.MapGet("/v1/recommendations/stats", Stats)
            .WithTags("Recommendations")
            .WithSummary("Online statistics: impressions and clicks by position and for the items shown most")
            .DocumentQuery(QueryParameterDoc.WholeNumber("limit", "Items listed", 20, 1, MaxStatsItems))
            .Produces<RecommendationStats>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireScope(Scopes.Analytics);
        return app;
    }

    internal static ValueTask<Results<Ok<Recommendation>, ProblemHttpResult>> Get(string userId, HttpRequest request, RecommendationService service, PersonaMetrics metrics)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        userId = Ids.FromPath(userId);
        var query = request.Query;
        var k = 20;
        if (query.TryGetValue("k", out var kText) && (!int.TryParse(kText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out k) || k < 1 || k > service.Recommender.Options.MaxK))
        {
            return Bad($"k: '{kText}' is not an integer within 1..{service.Recommender.Options.MaxK}");
        }

        var exclude = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in query["exclude"])
        {
            foreach (var id in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                exclude.Add(id);
            }
        }

        if (exclude.Count > MaxExcluded)
        {
            return Bad($"exclude: more than {MaxExcluded} item ids");
        }

        var context = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in query)
        {
            if (!key.StartsWith("context.", StringComparison.Ordinal))
            {
                if (key is not ("k" or "exclude" or "preview"))
                {
                    return Bad($"{key}: unknown parameter (k, exclude, preview and context.* are known)");
                }

                continue;
            }

            var name = key["context.".Length..];
            if (name.Length == 0 || value.Count != 1 || value[0] is not { Length: > 0 and <= MaxContextLength } text)
            {
                return Bad($"{key}: one non-empty value of at most {MaxContextLength} characters");
            }

            context[name] = text;
        }

        if (context.Count > MaxContextValues)
        {
            return Bad($"context: more than {MaxContextValues} values");
        }

        var preview = false;
        if (query.TryGetValue("preview", out var previewText) && (previewText.Count != 1 || !bool.TryParse(previewText[0], out preview)))
        {
            return Bad($"preview: '{previewText}' is not true or false");
        }

        Results<Ok<Recommendation>, ProblemHttpResult> Run()
        {
            var answer = service.Recommend(userId, k, context, exclude, shown: !preview);
            metrics.RecordRecommendation(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
            return TypedResults.Ok(answer);
        }

        // Ranking takes a few hundred microseconds of CPU: on the thread pool, so that an I/O thread (and every
        // connection it serves) does not wait behind it, as it would for a profile read from disk.
        return new ValueTask<Results<Ok<Recommendation>, ProblemHttpResult>>(Task.Run(Run));
    }

    internal static IResult Stats(RecommendationService service, string? limit = null)
    {
        if (QueryValue.Integer(limit, "limit", 20, 1, MaxStatsItems, out var problem) is not { } n)
        {
            return QueryValue.BadRequest(problem!);
        }

        var byPosition = service.Stats.ByPosition()
            .Select((p, i) => new PositionStats(i + 1, p.Impressions, p.Clicks, p.Impressions == 0 ? 0 : Math.Round((double)p.Clicks / p.Impressions, 6)))
            .ToList();
        var items = service.Stats.Top((int)n)
            .Select(t => new ItemStatsView(t.ItemId, t.Impressions, t.Clicks, t.Purchases, t.Impressions == 0 ? 0 : Math.Round((double)t.Clicks / t.Impressions, 6)))
            .ToList();
        return TypedResults.Ok(new RecommendationStats(service.Stats.Impressions, service.Stats.Clicks, service.Attribution.Attributed, service.Observed, byPosition, items));
    }

    private static ValueTask<Results<Ok<Recommendation>, ProblemHttpResult>> Bad(string detail) =>
        ValueTask.FromResult<Results<Ok<Recommendation>, ProblemHttpResult>>(TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad parameter", detail: detail));
}

/// <summary>Items shown and clicked overall, by position (1 = first), and for the items shown most.</summary>
public sealed record RecommendationStats(long Impressions, long Clicks, long Attributed, long EventsIndexed, IReadOnlyList<PositionStats> ByPosition, IReadOnlyList<ItemStatsView> Items);

public sealed record PositionStats(int Position, long Impressions, long Clicks, double ClickThroughRate);

public sealed record ItemStatsView(string ItemId, long Impressions, long Clicks, long Purchases, double ClickThroughRate);
