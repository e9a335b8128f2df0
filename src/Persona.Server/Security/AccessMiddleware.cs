using System.Net;
using Persona.Serving.Access;

namespace Persona.Server.Security;

/// <summary>
/// Who may use each route. Keys are in force when any key is active, and always when the service listens beyond
/// loopback (unless <see cref="AccessOptions.InsecureNoAuth"/>). A request then needs <c>Authorization: Bearer KEY</c>
/// with the route's scope: 401 without a valid key, 403 with the wrong scope, both problem+json. A route without a
/// scope is refused (fail closed), except those marked <see cref="OpenWithoutKey"/>. Changes with the admin or
/// privacy scope are written to the <see cref="AuditLog"/>.
/// </summary>
public sealed partial class AccessMiddleware(RequestDelegate next, ApiKeys keys, ServerOptions options, AuditLog audit, TimeProvider clock, ILogger<AccessMiddleware> logger)
{
    /// <summary>The key a request was let in with, for the rate limiter.</summary>
    public const string KeyItem = "persona.key";

    private readonly bool _loopbackOnly = ListensOnLoopbackOnly(options.Urls);

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // No endpoint (404), or one the framework made rather than a route (405 for a path mapped under other
        // methods): nothing to guard. Every route is a RouteEndpoint.
        var endpoint = context.GetEndpoint();
        if (endpoint is not RouteEndpoint || endpoint.Metadata.GetMetadata<OpenWithoutKey>() is not null)
        {
            await next(context);
            return;
        }

        var required = endpoint.Metadata.GetMetadata<RequiredScope>()?.Scope;
        if (required is null)
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "No scope", "this route has no scope and is refused");
            return;
        }

        context.Items[nameof(RequiredScope)] = required;
        ApiKey? key = null;
        if (KeysInForce())
        {
            key = keys.Authenticate(Bearer(context.Request));
            if (key is null)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await Refuse(context, StatusCodes.Status401Unauthorized, "API key required", "send Authorization: Bearer KEY with a valid, unrevoked key");
                return;
            }

            if (!Scopes.Grants(key.Scopes, required))
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "Scope missing", $"this route needs the '{required}' scope; the key '{key.Name}' holds {string.Join(", ", key.Scopes)}");
                return;
            }

            context.Items[KeyItem] = key;
        }

        await next(context);
        if (required is Scopes.Admin or Scopes.Privacy && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? endpoint.DisplayName ?? "?";
            try
            {
                audit.Append(new AuditRecord(clock.GetUtcNow(), key?.Id ?? "none", key?.Name ?? "(no key)", context.Request.Method, route, context.Response.StatusCode));
            }
            catch (IOException ex)
            {
                AuditFailed(logger, route, ex.Message);
            }
        }
    }

    /// <summary>Whether a request needs a key now.</summary>
    public bool KeysInForce() => !options.Access.InsecureNoAuth && (!_loopbackOnly || keys.AnyActive);

    /// <summary>Whether every address in <paramref name="urls"/> (semicolon-separated) is a loopback address.</summary>
    public static bool ListensOnLoopbackOnly(string urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var host = Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri.Host : string.Empty;
            var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
            if (!loopback)
            {
                return false;
            }
        }

        return true;
    }

    private static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    private static Task Refuse(HttpContext context, int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, type: $"https://persona.dev/problems/{(status == 401 ? "unauthorized" : "forbidden")}").ExecuteAsync(context);

    [LoggerMessage(EventId = 80, Level = LogLevel.Error, Message = "Writing the audit record of {Route} failed ({Message})")]
    private static partial void AuditFailed(ILogger logger, string route, string message);
}
