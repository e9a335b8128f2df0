using System.Text.Json;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Segments;
using Persona.Server.OpenApi;
using Persona.Server.Security;
using Persona.Serving.Access;
using Persona.Serving.Privacy;

namespace Persona.Server.Apis;

/// <summary>The segments API: definitions, members, a user's segments, and the enter/leave change stream.</summary>
public static class SegmentsApi
{
    /// <summary>Largest <c>PUT</c> body: a rule is at most 4,096 characters.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public const int MaxPage = 10_000;

    public const int MaxWaitMs = 30_000;

    /// <summary>The longest user id an event may carry, so the longest cursor.</summary>
    public const int MaxUserIdLength = 256;

    public static IEndpointRouteBuilder MapSegmentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/segments", List)
            .WithTags("Segments").WithSummary("Every segment with its rule, member count and backfill state; epsilon=E makes the counts ε-differentially private")
            .DocumentQuery(PrivateCounts.EpsilonDoc).ProducesProblem(StatusCodes.Status400BadRequest).RequireScope(Scopes.Analytics);
        app.MapGet("/v1/segments/changes", Changes)
            .WithTags("Segments").WithSummary("Enter/leave changes after a sequence number (long-poll with waitMs)")
            .DocumentQuery(
                QueryParameterDoc.WholeNumber("after", "The last sequence number seen", 0, 0, long.MaxValue),
                QueryParameterDoc.WholeNumber("limit", "Changes per page", 1_000, 1, MaxPage),
                QueryParameterDoc.WholeNumber("waitMs", "Wait this long for a change when there is none yet", 0, 0, MaxWaitMs))
            .Produces<ChangesPage>().ProducesProblem(StatusCodes.Status400BadRequest).RequireScope(Scopes.Analytics);
        app.MapGet("/v1/segments/validate", Validate)
            .WithTags("Segments").WithSummary("Checks a rule without saving it: valid with the field paths it reads, or not valid with the fault and its position, 1-based (the console checks rules as they are typed)")
            .DocumentQuery(QueryParameterDoc.Text("rule", $"The rule (at most {SegmentRule.MaxLength} characters)"))
            .Produces<RuleCheck>().ProducesProblem(StatusCodes.Status400BadRequest).RequireScope(Scopes.Analytics);
        app.MapPut("/v1/segments/{name}", Put)
            .WithTags("Segments").WithSummary("Creates (201) or replaces (200) a segment rule; backfills it over every user")
            .Accepts<SegmentRequest>("application/json").Produces<SegmentInfo>().Produces<SegmentInfo>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge).RequireScope(Scopes.Admin);
        app.MapGet("/v1/segments/{name}", GetOne)
            .WithTags("Segments").WithSummary("One segment; epsilon=E makes its member count ε-differentially private")
            .DocumentQuery(PrivateCounts.EpsilonDoc).Produces<SegmentInfo>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).RequireScope(Scopes.Analytics);
        app.MapDelete("/v1/segments/{name}", (string name, SegmentBook book) =>
                book.Delete(name) ? TypedResults.NoContent() : UnknownSegment(name))
            .WithTags("Segments").WithSummary("Deletes a segment").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).RequireScope(Scopes.Admin);
        app.MapGet("/v1/segments/{name}/members", Members)
            .WithTags("Segments").WithSummary("A page of members in ordinal order; cursor = the last user id of the previous page")
            .DocumentQuery(QueryParameterDoc.WholeNumber("limit", "Members per page", 100, 1, MaxPage), QueryParameterDoc.Text("cursor", $"The last user id of the previous page (at most {MaxUserIdLength} characters)"))
            .Produces<MembersPage>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).RequireScope(Scopes.Analytics);
        app.MapGet("/v1/segments/{name}/export", Export)
            .WithTags("Segments").WithSummary("The audience for an ad platform, as CSV or JSON")
            .DocumentQuery(QueryParameterDoc.Text("format", "json or csv (RFC 4180, formula prefixes escaped)", "json", "csv"))
            .Produces<AudienceExport>().Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).RequireScope(Scopes.Analytics);
        app.MapGet("/v1/users/{userId}/segments", UserSegments)
            .WithTags("Segments").WithSummary("The segments a user is a member of").Produces<UserSegments>().ProducesProblem(StatusCodes.Status404NotFound).RequireScope(Scopes.Read);
        return app;
    }

    /// <summary>
    /// Every segment; with <c>epsilon</c>, each member count gets Laplace noise. One user may be in every segment, so
    /// the counts' sensitivity is the number of segments.
    /// </summary>
    private static IResult List(SegmentBook book, PrivacyBudget budget, HttpContext context, string? epsilon = null)
    {
        if (PrivateCounts.Charge(epsilon, context, budget, out var e, out var left) is { } refused)
        {
            return refused;
        }

        var segments = book.List();
        if (e is not { } eps)
        {
            return TypedResults.Ok(new { segments });
        }

        var note = PrivacyNote.Laplace(eps, Math.Max(1, segments.Count), left);
        return TypedResults.Ok(new { segments = segments.Select(s => s with { Members = (int)LaplaceMechanism.Release(s.Members, note.Scale) }).ToList(), privacy = note });
    }

    /// <summary>One segment; with <c>epsilon</c>, its member count gets Laplace noise (sensitivity 1).</summary>
    private static IResult GetOne(string name, SegmentBook book, PrivacyBudget budget, HttpContext context, string? epsilon = null)
    {
        if (book.Get(name) is not { } info)
        {
            return UnknownSegment(name);
        }

        if (PrivateCounts.Charge(epsilon, context, budget, out var e, out var left) is { } refused)
        {
            return refused;
        }

        if (e is not { } eps)
        {
            return TypedResults.Ok(info);
        }

        var note = PrivacyNote.Laplace(eps, 1, left);
        return TypedResults.Ok(new { segment = info with { Members = (int)LaplaceMechanism.Release(info.Members, note.Scale) }, privacy = note });
    }

    internal static IResult UnknownSegment(string name) => QueryValue.NotFound("Unknown segment", $"name: no segment '{QueryValue.Shorten(name)}'");

    private static async Task<IResult> Put(string name, HttpRequest request, SegmentBook book)
    {
        if (SegmentName.Problem(name) is { } bad)
        {
            return QueryValue.BadRequest(bad);
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large", detail: $"body: larger than {MaxBodyBytes} bytes");
        }

        SegmentRequest? body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            if (buffer.Length > MaxBodyBytes)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large", detail: $"body: larger than {MaxBodyBytes} bytes");
            }

            if (buffer.Length == 0)
            {
                return QueryValue.BadRequest("body: empty (expected {\"rule\": \"...\"})");
            }

            body = JsonSerializer.Deserialize<SegmentRequest>(buffer.ToArray(), JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return QueryValue.BadRequest("body: invalid JSON (expected {\"rule\": \"...\"})");
        }

        if (body?.Rule is not { } text)
        {
            return QueryValue.BadRequest("rule: missing");
        }

        SegmentRule rule;
        try
        {
            rule = SegmentRule.Parse(text);
        }
        catch (SegmentRuleException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad segment rule", detail: ex.Message, extensions: new Dictionary<string, object?> { ["position"] = ex.Position + 1 });
        }

        try
        {
            var (created, info) = book.Put(name, rule);
            return created ? TypedResults.Created($"/v1/segments/{name}", info) : TypedResults.Ok(info);
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Segment limit", detail: ex.Message);
        }
    }

    private static IResult Validate(string? rule = null)
    {
        if (rule is null)
        {
            return QueryValue.BadRequest("rule: missing");
        }

        try
        {
            return TypedResults.Ok(new RuleCheck(true, SegmentRule.Parse(rule).Paths, null, null));
        }
        catch (SegmentRuleException ex)
        {
            return TypedResults.Ok(new RuleCheck(false, [], ex.Message, ex.Position + 1));
        }
    }

    private static IResult Members(string name, SegmentBook book, string? limit = null, string? cursor = null)
    {
        if (QueryValue.Integer(limit, "limit", 100, 1, MaxPage, out var problem) is not { } n)
        {
            return QueryValue.BadRequest(problem!);
        }

        if (cursor is { Length: 0 or > MaxUserIdLength })
        {
            return QueryValue.BadRequest($"cursor: must be a user id of 1..{MaxUserIdLength} characters");
        }

        return book.Members(name, cursor, (int)n) is { } page ? TypedResults.Ok(page) : UnknownSegment(name);
    }

    private static IResult UserSegments(string userId, IProfileStore store, SegmentBook book)
    {
        userId = Ids.FromPath(userId);
        if (store.Read(userId, _ => string.Empty) is null)
        {
            return QueryValue.NotFound("Unknown user", $"userId: no profile for '{QueryValue.Shorten(userId)}'");
        }

        return TypedResults.Ok(new UserSegments(userId, book.SegmentsOf(userId)));
    }

    private static async Task<IResult> Changes(SegmentBook book, HttpContext context, string? after = null, string? limit = null, string? waitMs = null)
    {
        if (QueryValue.Integer(after, "after", 0, 0, long.MaxValue, out var problem) is not { } from
            || QueryValue.Integer(limit, "limit", 1_000, 1, MaxPage, out problem) is not { } n
            || QueryValue.Integer(waitMs, "waitMs", 0, 0, MaxWaitMs, out problem) is not { } wait)
        {
            return QueryValue.BadRequest(problem!);
        }

        if (wait > 0)
        {
            try
            {
                await book.Changes.WaitAsync(from, TimeSpan.FromMilliseconds(wait), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return TypedResults.Empty; // the client went away
            }
        }

        var page = book.Changes.Read(from, (int)n);
        return TypedResults.Ok(new ChangesPage(book.Epoch, page.Changes, page.Next, page.Missed));
    }

    /// <summary><c>GET /v1/segments/{name}/export?format=csv|json</c>.</summary>
    internal static async Task<IResult> Export(string name, SegmentBook book, ProfileViews views, IProfileStore store, string? format = null)
    {
        format ??= "json";
        if (format is not "json" and not "csv")
        {
            return QueryValue.BadRequest($"format: '{QueryValue.Shorten(format)}' is not csv or json");
        }

        if (book.AllMembers(name) is not { } ids)
        {
            return UnknownSegment(name);
        }

        var (audience, withheld) = await Task.Run(() => SegmentExport.Collect(ids, views, store)); // profiles may come from disk: off the I/O thread
        if (format == "json")
        {
            return TypedResults.Ok(new AudienceExport(name, audience.Count, withheld, audience));
        }

        return TypedResults.Text(SegmentExport.ToCsv(audience), "text/csv; charset=utf-8");
    }
}

/// <summary>The segments a user is a member of.</summary>
public sealed record UserSegments(string UserId, IReadOnlyList<string> Segments);

/// <summary>
/// A page of the change stream: the stream's epoch (new after a restart, when numbering starts again at 1), the
/// changes, the cursor to pass as <c>after</c> next, and whether changes after the cursor asked were dropped from
/// the bounded ring before they were read.
/// </summary>
public sealed record ChangesPage(string Epoch, IReadOnlyList<SegmentChange> Changes, long Next, bool Missed);

/// <summary>A rule checked: whether it parses, the field paths it reads (in order of appearance), or its fault and the fault's character (1-based).</summary>
public sealed record RuleCheck(bool Valid, IReadOnlyList<string> Paths, string? Error, int? Position);
