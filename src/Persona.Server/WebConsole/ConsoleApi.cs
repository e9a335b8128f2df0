using Persona.Server.Security;

namespace Persona.Server.WebConsole;

/// <summary>
/// The web console at <c>/ui/</c>: the files of <see cref="ConsoleAssets"/>, and for any other path under it the
/// app's page (deep links such as <c>/ui/users/u1</c> load the app, which routes on the path). The files hold no
/// data, so they answer without a key; the pages call the API with the key the user gives them, and a page whose
/// API calls need a scope the key lacks says so. A strict content security policy allows this origin only.
/// </summary>
public static class ConsoleApi
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ui", () => TypedResults.Redirect("/ui/")).OpenWithoutKey().ExcludeFromDescription();
        app.MapGet("/ui/{**path}", Serve).OpenWithoutKey().ExcludeFromDescription();
        return app;
    }

    internal static IResult Serve(string? path, HttpContext context, ConsoleAssets assets)
    {
        var asset = (path is { Length: > 0 } ? assets.Find(path) : null) ?? assets.Index;
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(asset.Bytes, asset.ContentType);
    }
}
