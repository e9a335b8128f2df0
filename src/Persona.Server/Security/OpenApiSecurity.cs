using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Persona.Server.Security;

/// <summary>
/// The API description tells how to call each route: a bearer security scheme, and on every scoped operation its
/// scope as a security requirement, plus the 401, 403 and 429 problem answers the access layer may give.
/// </summary>
internal static class OpenApiSecurity
{
    public const string SchemeName = "bearer";

    public static OpenApiOptions AddPersonaSecurity(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (persona keys add): Authorization: Bearer psn_ID_SECRET. Without keys configured, a service on loopback answers without one.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiredScope>().FirstOrDefault() is not { } scope)
            {
                return Task.CompletedTask;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [scope.Scope] });
            operation.Description = $"{operation.Description} Scope: {scope.Scope}.".TrimStart();
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid API key (problem+json)" });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"The key lacks the '{scope.Scope}' scope (problem+json)" });
            operation.Responses.TryAdd("429", new OpenApiResponse { Description = "Over the key's rate limit for this scope; see Retry-After (problem+json)" });
            return Task.CompletedTask;
        });
        return options;
    }
}
