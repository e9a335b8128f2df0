using Microsoft.AspNetCore.Diagnostics;

namespace Persona.Server;

/// <summary>
/// Turns what the transport refuses while a handler reads the body (a body over the size limit, a broken chunked
/// encoding, a body sent too slowly) into the client error Kestrel names, as problem+json, instead of a 500:
/// no input gives a server error.
/// </summary>
internal sealed partial class ClientErrorHandler(ILogger<ClientErrorHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }

        var status = bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest;
        ClientError(logger, status, bad.Message);
        await TypedResults.Problem(
            statusCode: status,
            title: status == StatusCodes.Status413PayloadTooLarge ? "Body too large" : "Bad request",
            detail: $"body: {bad.Message}").ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(EventId = 31, Level = LogLevel.Debug, Message = "Client error {Status}: {Message}")]
    private static partial void ClientError(ILogger logger, int status, string message);
}
