namespace Persona.Server.Security;

/// <summary>Endpoint metadata: the scope a key must hold to use the route (<see cref="Persona.Serving.Access.Scopes"/>).</summary>
public sealed record RequiredScope(string Scope);

/// <summary>Endpoint metadata: the route answers without a key (health, metrics, the API description).</summary>
public sealed record OpenWithoutKey;

public static class EndpointScopeExtensions
{
    /// <summary>Requires a key holding <paramref name="scope"/> for this route (when keys are in force).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope));

    /// <summary>Lets this route answer without a key.</summary>
    public static TBuilder OpenWithoutKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OpenWithoutKey());
}
