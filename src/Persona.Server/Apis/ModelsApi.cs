using Microsoft.AspNetCore.Http.HttpResults;
using Persona.Server.Security;
using Persona.Serving.Access;

namespace Persona.Server.Apis;

/// <summary>GET /v1/models and POST /v1/models/reload: the models in service, and a check of the registry now.</summary>
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
        return app;
    }

    private static Ok<ModelsStatus> Status(ModelHost host, IReadOnlyDictionary<string, string> versions, IReadOnlyDictionary<string, string>? errors) =>
        TypedResults.Ok(new ModelsStatus(
            Path.GetFileName(Path.TrimEndingDirectorySeparator(host.RegistryRoot)),
            versions,
            (errors ?? host.Errors).ToDictionary(e => e.Key, e => e.Value.Replace(Path.GetFullPath(host.RegistryRoot), "<registry>", StringComparison.Ordinal).Replace(host.RegistryRoot, "<registry>", StringComparison.Ordinal))));
}

/// <summary>The registry folder, the version in service per kind, and the kinds whose newest promotion was refused.</summary>
public sealed record ModelsStatus(string Registry, IReadOnlyDictionary<string, string> Active, IReadOnlyDictionary<string, string> Refused);
