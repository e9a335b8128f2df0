using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Server.Security;
using Persona.Serving.Access;

namespace Persona.Server.Apis;

/// <summary>POST /v1/events, /v1/items, /v1/users: JSON array or NDJSON batches.</summary>
public static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Ingest").RequireScope(Scopes.Ingest);
        group.MapPost("/events", PostEvents)
            .Accepts<object>("application/json", "application/x-ndjson")
            .WithSummary("Ingest behaviour events (JSON array or NDJSON); each is accepted, a duplicate, or rejected with reasons")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status408RequestTimeout).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/items", PostItems)
            .Accepts<object>("application/json", "application/x-ndjson")
            .WithSummary("Insert or replace catalog items")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status408RequestTimeout).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/users", PostUsers)
            .Accepts<object>("application/json", "application/x-ndjson")
            .WithSummary("Insert or replace user records (signup time, declared preferences, consent)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status408RequestTimeout).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> PostEvents(
        HttpRequest request, IProfileStore store, EventParser parser, ServerOptions options, PersonaMetrics metrics, IngestWorker worker, LogSignal signal, CancellationToken ct)
    {
        var received = Stopwatch.GetTimestamp();
        return await Handle(request, store, options, metrics, worker, body =>
        {
            var batch = parser.ParseBody(body);
            if (batch.Total > options.MaxBatchRecords)
            {
                return null;
            }

            var start = Stopwatch.GetTimestamp();
            var result = store.Ingest(batch);
            metrics.RecordIngest(result, Stopwatch.GetElapsedTime(start).TotalSeconds, Stopwatch.GetElapsedTime(received).TotalSeconds);
            if (result.Accepted > 0)
            {
                signal.Notify();
            }

            return result;
        }, ct);
    }

    internal static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> PostItems(
        HttpRequest request, IProfileStore store, ServerOptions options, PersonaMetrics metrics, IngestWorker worker, CancellationToken ct) =>
        await Handle(request, store, options, metrics, worker, body =>
        {
            var batch = ItemParser.ParseBody(body);
            return batch.Total > options.MaxBatchRecords ? null : store.UpsertItems(batch);
        }, ct);

    internal static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> PostUsers(
        HttpRequest request, IProfileStore store, ServerOptions options, PersonaMetrics metrics, TimeProvider clock, IngestWorker worker, CancellationToken ct) =>
        await Handle(request, store, options, metrics, worker, body =>
        {
            var batch = UserParser.ParseBody(body, clock.GetUtcNow().ToUnixTimeMilliseconds());
            return batch.Total > options.MaxBatchRecords ? null : store.UpsertUsers(batch);
        }, ct);

    private static async Task<Results<Ok<IngestResponse>, ProblemHttpResult>> Handle(
        HttpRequest request, IProfileStore store, ServerOptions options, PersonaMetrics metrics, IngestWorker worker, Func<ReadOnlyMemory<byte>, IngestResult?> ingest, CancellationToken ct)
    {
        // Refusals come before the body is read where they can: a failed store, or a queue already full.
        if (store.Health.Fault is { } fault)
        {
            metrics.RecordUnavailable();
            return Unavailable(fault);
        }

        if (worker.Queued >= options.MaxQueuedBatches)
        {
            return Busy(request, options, metrics);
        }

        // The body is read before a queue place is taken, within a deadline: a client that uploads slowly holds
        // its own connection, never a place another client's batch needs.
        BodyReader.PooledBody? body;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            deadline.CancelAfter(options.BodyTimeout);
            try
            {
                body = await BodyReader.ReadAsync(request, options.MaxBodyBytes, deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                metrics.RecordBadRequest();
                return TypedResults.Problem(statusCode: StatusCodes.Status408RequestTimeout, title: "Body too slow", detail: $"body: not received within {options.BodyTimeout.TotalSeconds:F0} s");
            }
        }

        using var received = body;
        if (received is null)
        {
            metrics.RecordBadRequest();
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large", detail: $"body: larger than {options.MaxBodyBytes} bytes");
        }

        using var place = worker.TryReserve();
        if (place is null)
        {
            return Busy(request, options, metrics);
        }

        IngestResult? result;
        try
        {
            result = await place.Run(() => ingest(received.Memory));
        }
        catch (MalformedBodyException ex)
        {
            metrics.RecordBadRequest();
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed body", detail: ex.Message);
        }
        catch (StoreUnavailableException ex)
        {
            metrics.RecordUnavailable();
            return Unavailable(ex.Fault);
        }

        if (result is null)
        {
            metrics.RecordBadRequest();
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Batch too large", detail: $"body: more than {options.MaxBatchRecords} records");
        }

        var response = new IngestResponse(result.Accepted, result.Duplicate, result.Rejected, result.Errors) { Withheld = result.Withheld };
        if (result.Rejected > 0 && result.Accepted == 0 && result.Duplicate == 0)
        {
            metrics.RecordBadRequest();
            // Every record refused: a 400 problem that carries the same counts and per-record errors as a 200.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "No record accepted",
                detail: $"every record was rejected; the first: {string.Join("; ", response.Errors[0].Errors)}",
                type: "https://persona.dev/problems/records-rejected",
                extensions: new Dictionary<string, object?>
                {
                    ["accepted"] = response.Accepted,
                    ["duplicate"] = response.Duplicate,
                    ["rejected"] = response.Rejected,
                    ["errors"] = response.Errors,
                });
        }

        return TypedResults.Ok(response);
    }

    private static ProblemHttpResult Busy(HttpRequest request, ServerOptions options, PersonaMetrics metrics)
    {
        metrics.RecordOverload();
        request.HttpContext.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Ingestion busy", detail: $"queue: {options.MaxQueuedBatches} batches are already waiting; retry after 1 s");
    }

    /// <summary>
    /// The answer while the store is failed: 507 Insufficient Storage for a full disk, 503 otherwise, naming the
    /// cause. Nothing of the request was acknowledged; it can be sent again once the service is back.
    /// </summary>
    private static ProblemHttpResult Unavailable(StoreFault fault)
    {
        var diskFull = fault.Kind == StoreFaultKind.DiskFull;
        return TypedResults.Problem(
            statusCode: diskFull ? StatusCodes.Status507InsufficientStorage : StatusCodes.Status503ServiceUnavailable,
            title: diskFull ? "Store disk full" : "Store unavailable",
            detail: $"store: {new StoreUnavailableException(fault).Message}; nothing of this request was stored",
            type: $"https://persona.dev/problems/store-{fault.Reason.Replace('_', '-')}",
            extensions: new Dictionary<string, object?> { ["reason"] = fault.Reason, ["since"] = fault.At });
    }
}
