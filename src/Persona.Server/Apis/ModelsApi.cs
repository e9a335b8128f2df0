using Microsoft.AspNetCore.Http.HttpResults;
using Persona.Models.Registry;
using Persona.Models.Serving.Kinds;
using Persona.Server.Security;
using Persona.Serving.Access;

namespace Persona.Server.Apis;

/// <summary>
/// GET /v1/models and POST /v1/models/reload: the models in service, and a check of the registry now; GET
/// /v1/models/registry, POST /v1/models/{kind}/promote and /rollback: the registry's versions, and changing the
/// active one (the service swaps it in at once).
/// </summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", (ModelHost host) => Status(host, host.Current.Versions, null))
            .WithTags("Models")
            .WithSummary("The active model of each kind and the registry they come from")
            .RequireScope(Scopes.Admin);
        app.MapPost("/v1/models/reload", (ModelHost host) =>
            {
                var (models, errors) = host.Reload(retryRefused: true);
                return Status(host, models.Versions, errors);
            })
            .WithTags("Models")
            .WithSummary("Reads the registry's active versions now and swaps in what changed; refused models are listed with the reason")
            .RequireScope(Scopes.Admin);
        app.MapGet("/v1/models/registry", (ModelHost host) => TypedResults.Ok(host.Registry.List().Select(RegisteredModelView.Of).ToList()))
            .WithTags("Models")
            .WithSummary("Every registered version of every kind, newest first within a kind, with the active one marked")
            .RequireScope(Scopes.Admin);
        app.MapPost("/v1/models/{kind}/promote", Promote)
            .WithTags("Models")
            .WithSummary("Makes {version} the active version of the kind and swaps it in; the one it replaces can be rolled back to")
            .Accepts<PromoteBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .RequireScope(Scopes.Admin);
        app.MapPost("/v1/models/{kind}/rollback", Rollback)
            .WithTags("Models")
            .WithSummary("Makes the previously active version of the kind active again and swaps it in")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequireScope(Scopes.Admin);
        return app;
    }

    internal static Results<Ok<ModelsStatus>, ProblemHttpResult> Promote(string kind, PromoteBody? body, ModelHost host)
    {
        if (ModelKinds.Find(kind) is null)
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown model kind", $"kind: '{kind}' is not one of {string.Join(", ", ModelKinds.Names)}");
        }

        if (body?.Version is not { Length: > 0 and <= 200 } version)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad body", "version: required, the version to make active (GET /v1/models/registry lists them)");
        }

        try
        {
            host.Registry.Promote(kind, version);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown version", $"version: no {kind} version '{version}' in the registry");
        }

        var (models, errors) = host.Reload(retryRefused: true);
        return Status(host, models.Versions, errors);
    }

    internal static Results<Ok<ModelsStatus>, ProblemHttpResult> Rollback(string kind, ModelHost host)
    {
        if (ModelKinds.Find(kind) is null)
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown model kind", $"kind: '{kind}' is not one of {string.Join(", ", ModelKinds.Names)}");
        }

        try
        {
            host.Registry.Rollback(kind);
        }
        catch (InvalidOperationException)
        {
            return Problem(StatusCodes.Status409Conflict, "Nothing to roll back to", $"kind: no earlier {kind} version was active");
        }

        var (models, errors) = host.Reload(retryRefused: true);
        return Status(host, models.Versions, errors);
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);

    private static Ok<ModelsStatus> Status(ModelHost host, IReadOnlyDictionary<string, string> versions, IReadOnlyDictionary<string, string>? errors) =>
        TypedResults.Ok(new ModelsStatus(
            Path.GetFileName(Path.TrimEndingDirectorySeparator(host.RegistryRoot)),
            versions,
            (errors ?? host.Errors).ToDictionary(e => e.Key, e => e.Value.Replace(Path.GetFullPath(host.RegistryRoot), "<registry>", StringComparison.Ordinal).Replace(host.RegistryRoot, "<registry>", StringComparison.Ordinal))));
}

/// <summary>The body of a promotion: the version to make active.</summary>
public sealed record PromoteBody(string? Version);

/// <summary>A registered model version as the registry lists it: kind, version, when trained, whether active, its training metrics.</summary>
public sealed record RegisteredModelView(string Kind, string Version, DateTimeOffset CreatedAt, bool Active, IReadOnlyDictionary<string, double> Metrics)
{
    public static RegisteredModelView Of(RegisteredModel m) => new(m.Metadata.Kind, m.Metadata.Version, m.Metadata.CreatedAt, m.Active, m.Metadata.Metrics);
}

/// <summary>The registry folder, the version in service per kind, and the kinds whose newest promotion was refused.</summary>
public sealed record ModelsStatus(string Registry, IReadOnlyDictionary<string, string> Active, IReadOnlyDictionary<string, string> Refused);
