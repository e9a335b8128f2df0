using System.Text.Json;
using Persona.Core.Marketing;
using Persona.Server.Security;
using Persona.Serving.Access;

namespace Persona.Server.Apis;

/// <summary><c>POST /v1/marketing/coupons</c>: who gets which discount within a budget.</summary>
public static class MarketingApi
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxLevels = 10;
    public const double MaxDiscount = 0.9;
    public const double MaxBudget = 1e12;
    public const int MaxListed = 100_000;

    public static IEndpointRouteBuilder MapMarketingApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/marketing/coupons", Coupons)
            .WithTags("Marketing")
            .WithSummary("Coupon targeting: the discount per customer that maximises expected incremental revenue within a budget")
            .Accepts<Persona.Serving.Marketing.CouponRequest>("application/json")
            .Produces<CouponResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequireScope(Scopes.Analytics);
        return app;
    }

    private static async Task<IResult> Coupons(HttpRequest request, SegmentBook book, CouponTargeting targeting)
    {
        CouponRequest? body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            if (buffer.Length > MaxBodyBytes)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large", detail: $"body: larger than {MaxBodyBytes} bytes");
            }

            body = buffer.Length == 0 ? null : JsonSerializer.Deserialize<CouponRequest>(buffer.ToArray(), JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return QueryValue.BadRequest("body: invalid JSON (expected {\"budget\": 1000, \"discounts\": [0.05, 0.1]})");
        }

        if (body is null)
        {
            return QueryValue.BadRequest("body: empty (expected {\"budget\": 1000, \"discounts\": [0.05, 0.1]})");
        }

        if (Problem(body) is { } problem)
        {
            return QueryValue.BadRequest(problem);
        }

        IReadOnlyList<string>? members = null;
        if (body.Segment is { } segment && (members = book.AllMembers(segment)) is null)
        {
            return SegmentsApi.UnknownSegment(segment);
        }

        var ct = request.HttpContext.RequestAborted;
        var (plan, source, withheld) = await Task.Run(() => targeting.Plan(members, body.Discounts!, body.Budget!.Value, body.Elasticity ?? CouponPlanner.DefaultElasticity, ct), ct);
        var limit = body.Limit ?? 1_000;
        return TypedResults.Ok(new CouponResponse(source, plan.Candidates, withheld, plan.Awards.Count, plan.Budget, Math.Round(plan.ExpectedCost, 4), Math.Round(plan.ExpectedIncrementalValue, 4),
            [.. plan.Awards.OrderByDescending(a => a.ExpectedIncrementalValue).ThenBy(a => a.UserId, StringComparer.Ordinal).Take(limit)]));
    }

    private static string? Problem(CouponRequest body)
    {
        if (body.Budget is not { } budget)
        {
            return "budget: missing";
        }

        if (!double.IsFinite(budget) || budget <= 0 || budget > MaxBudget)
        {
            return $"budget: must be a number above 0 and at most {MaxBudget:0}";
        }

        if (body.Discounts is not { Count: > 0 } levels)
        {
            return "discounts: missing (a list of fractions such as 0.05, 0.1)";
        }

        if (levels.Count > MaxLevels)
        {
            return $"discounts: at most {MaxLevels} levels";
        }

        if (levels.Any(d => !double.IsFinite(d) || d <= 0 || d > MaxDiscount))
        {
            return $"discounts: every level must be a fraction above 0 and at most {MaxDiscount}";
        }

        if (body.Elasticity is { } e && (!double.IsFinite(e) || e <= 0 || e > 20))
        {
            return "elasticity: must be above 0 and at most 20";
        }

        if (body.Limit is { } l && (l < 0 || l > MaxListed))
        {
            return $"limit: {l} is outside 0..{MaxListed}";
        }

        return null;
    }
}

/// <summary>The plan: where propensities came from, candidates considered, coupons given, the budget, the expected cost and incremental value, and the awards listed (largest expected gain first).</summary>
public sealed record CouponResponse(string Propensity, int Candidates, int WithheldForConsent, int Coupons, double Budget, double ExpectedCost, double ExpectedIncrementalValue, IReadOnlyList<CouponAward> Awards);
