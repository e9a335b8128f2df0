using System.Text;
using Persona.Core.Ingest;
using Persona.Server.OpenApi;
using Persona.Server.Security;
using Persona.Serving.Access;

namespace Persona.Server.Apis;

/// <summary>
/// GET /v1/users/{userId}/profile/stream: the profile as server-sent events, a new one each time it changes. The
/// stream waits on <see cref="LogSignal"/> (every committed batch wakes it) and sends the profile when its log
/// position moved, so an event shows within one commit of its arrival; it looks again every
/// <see cref="Recheck"/> in case a change came by another path, and sends a comment line every
/// <see cref="KeepAlive"/> so that proxies keep the connection.
/// </summary>
public static class ProfileStreamApi
{
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapProfileStreamApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/users/{userId}/profile/stream", Stream)
            .WithTags("Profiles")
            .WithSummary("The profile as server-sent events: 'profile' with the profile JSON (id = its log position) each time it changes; 'none' while the user has no profile")
            .DocumentQuery(QueryParameterDoc.WholeNumber("k", "Top interests listed per kind", 10, 1, 100))
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireScope(Scopes.Read);
        return app;
    }

    internal static async Task<IResult> Stream(
        string userId, HttpContext context, ProfileViews views, LogSignal signal, TimeProvider clock, IHostApplicationLifetime lifetime, string? k = null)
    {
        if (QueryValue.Integer(k, "k", 10, 1, 100, out var problem) is not { } top)
        {
            return QueryValue.BadRequest(problem!);
        }

        userId = Ids.FromPath(userId);
        var response = context.Response;
        // Ends when the client goes or the service stops, so that a stop does not wait for open streams.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var ct = linked.Token;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        long? sent = null;
        var lastWrite = clock.GetTimestamp();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var next = signal.Next; // taken before the read, so that a commit after the read is not missed
                var served = await Task.Run(() => views.Read(userId, (int)top), ct);
                var position = served?.Position ?? -1;
                if (position != sent)
                {
                    var text = served is null
                        ? "event: none\ndata: {}\n\n"
                        : $"id: {position}\nevent: profile\ndata: {views.ToJson(served.View).GetRawText()}\n\n";
                    await response.WriteAsync(text, Encoding.UTF8, ct);
                    await response.Body.FlushAsync(ct);
                    (sent, lastWrite) = (position, clock.GetTimestamp());
                }
                else if (clock.GetElapsedTime(lastWrite) >= KeepAlive)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    lastWrite = clock.GetTimestamp();
                }

                try
                {
                    await next.WaitAsync(Recheck, ct);
                }
                catch (TimeoutException)
                {
                    // look again: a change by another path, or the keep-alive
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the client went away, or the service stops
        }

        return TypedResults.Empty;
    }
}
