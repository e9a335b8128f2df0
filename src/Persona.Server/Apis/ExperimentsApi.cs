using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Persona.Recommend.Experiments;
using Persona.Server.Security;
using Persona.Serving.Access;

namespace Persona.Server.Apis;

/// <summary>PUT, GET and DELETE /v1/experiments/{id}: one A/B test of recommendation policies at a time.</summary>
public static class ExperimentsApi
{
    public static IEndpointRouteBuilder MapExperimentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/experiments").WithTags("Experiments");
        group.MapGet("/", (RecommendationService service) => TypedResults.Ok(new RunningExperiments(service.Experiment is { } running && service.Report(running.Experiment.Id) is { } report ? [report] : [])))
            .WithSummary("The running experiment's report (one runs at a time; none: an empty list)").RequireScope(Scopes.Analytics);
        group.MapPut("/{id}", Put).Accepts<Persona.Recommend.Experiments.Experiment>("application/json").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge).WithSummary("Starts an experiment: {variants: [{name, weight, policy: personalised|popularity, blend?, useModel?}]}; the first variant is the control").RequireScope(Scopes.Admin);
        group.MapGet("/{id}", Get).WithSummary("Per variant: users, impressions, CTR, conversion rate, revenue per user with 95 % intervals, and p-values against the control").RequireScope(Scopes.Analytics);
        group.MapDelete("/{id}", Delete).WithSummary("Stops the experiment").RequireScope(Scopes.Admin);
        return app;
    }

    internal static async Task<Results<Created<ExperimentReport>, ProblemHttpResult>> Put(string id, HttpRequest request, RecommendationService service, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad experiment id", "id: 1 to 64 letters, digits, '-', '_' or '.'");
        }

        ExperimentBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<ExperimentBody>(request.Body, RecommendationService.JsonOptions, ct);
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed body", $"body: {ex.Message}");
        }

        var experiment = new Experiment { Id = id, Variants = body?.Variants ?? [] };
        if (experiment.Problems() is { Count: > 0 } problems)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad experiment", string.Join("; ", problems));
        }

        try
        {
            var results = service.Start(experiment);
            return TypedResults.Created($"/v1/experiments/{id}", results.Report());
        }
        catch (InvalidOperationException ex)
        {
            return Problem(StatusCodes.Status409Conflict, "Another experiment runs", ex.Message);
        }
    }

    internal static Results<Ok<ExperimentReport>, ProblemHttpResult> Get(string id, RecommendationService service) =>
        service.Report(id) is { } report
            ? TypedResults.Ok(report)
            : Problem(StatusCodes.Status404NotFound, "Unknown experiment", $"id: no running experiment '{id}'");

    internal static Results<NoContent, ProblemHttpResult> Delete(string id, RecommendationService service) =>
        service.Stop(id) ? TypedResults.NoContent() : Problem(StatusCodes.Status404NotFound, "Unknown experiment", $"id: no running experiment '{id}'");

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>The experiments running now (at most one).</summary>
    public sealed record RunningExperiments(IReadOnlyList<ExperimentReport> Experiments);

    /// <summary>The body of a PUT.</summary>
    public sealed record ExperimentBody(IReadOnlyList<Variant>? Variants);
}
