using Microsoft.AspNetCore.Server.Kestrel.Core;
using Persona.Core.Engine;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Sources;
using Persona.Server.Apis;
using Persona.Server.OpenApi;
using Persona.Server.Security;
using Persona.Server.WebConsole;
using Persona.Serving.Access;
using Persona.Serving.Hosting;

namespace Persona.Server;

/// <summary>
/// Builds the Persona web service: the serving stack (<see cref="ServingHostingExtensions.AddPersonaServing"/>)
/// behind the HTTP API, over whatever store <c>addStore</c> registers (the embedded RocksDB store:
/// <c>services.AddRocksDbProfileStore(options)</c>).
/// </summary>
public static partial class PersonaApp
{
    public static WebApplication Create(ServerOptions options, Action<IServiceCollection> addStore, EngineConfig? engineConfig = null, string[]? args = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(addStore);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        ConfigureWebHost(builder, options);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddPersonaServing(options.Serving, engineConfig);
        addStore(builder.Services);
        builder.Services.AddSingleton(sp => new EventParser(
            sp.GetRequiredService<ProfileEngine>().Types, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Persona.Serving.ModelHosting.ReviewSentiment>().Score));
        builder.Services.AddSingleton<PersonaMetrics>();
        builder.Services.AddSingleton<ConsoleAssets>();
        builder.Services.AddSingleton<IIngestListener, SourceIngestListener>();
        builder.Services.AddSingleton(_ => new IngestWorker(options.MaxQueuedBatches, options.IngestPriority, options.YoungCollectionBytes));
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton(sp => new Persona.Serving.Privacy.PrivacyBudget(options.Access.PrivacyBudgetPerDay, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Persona.Serving.Privacy.IPrivacyLedger>()));
        builder.Services.AddPersonaRateLimits(options.Access);

        var app = builder.Build();
        MapApis(app);
        Open(app, options);
        return app;
    }

    /// <summary>Kestrel, logging, JSON and problem details: the transport's settings.</summary>
    private static void ConfigureWebHost(WebApplicationBuilder builder, ServerOptions options)
    {
        builder.WebHost.UseUrls(options.Urls);
        if (options.InlineIo)
        {
            // The runtime reads this once, when the process creates its first socket: set before the host makes any.
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
            builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        }

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxBodyBytes + 1);
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Persona", LogLevel.Information);
        builder.Services.Configure<KestrelServerOptions>(k => k.AllowSynchronousIO = false);
        builder.Services.ConfigureHttpJsonOptions(j => ServingJson.Configure(j.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClientErrorHandler>();
        builder.Services.AddOpenApi(o => o.AddPersonaSecurity().AddPersonaDocumentation());
    }

    private static void MapApis(WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<AccessMiddleware>();
        app.UseRateLimiter();
        app.MapOpenApi().OpenWithoutKey();
        app.MapIngestApi();
        app.MapProfilesApi();
        app.MapProfileStreamApi();
        app.MapAnalysisApi();
        app.MapConsole();
        app.MapOpsApi();
        app.MapModelsApi();
        app.MapSegmentsApi();
        app.MapDiscoveryApi();
        app.MapChurnApi();
        app.MapMarketingApi();
        app.MapRecommendationsApi();
        app.MapExperimentsApi();
        app.MapPrivacyApi();
    }

    /// <summary>Opens what must be ready before the first request, in order.</summary>
    private static void Open(WebApplication app, ServerOptions options)
    {
        var keys = app.Services.GetRequiredService<ApiKeys>();
        if (!options.Access.InsecureNoAuth && !AccessMiddleware.ListensOnLoopbackOnly(options.Urls) && !keys.AnyActive)
        {
            throw new InvalidOperationException(
                $"listening on {options.Urls} beyond loopback with no API key in {keys.Where}: add one (persona keys add --data-dir DIR --name NAME --scopes ...) or pass --insecure-no-auth");
        }

        _ = app.Services.GetRequiredService<IProfileStore>(); // open (and recover) the store before serving
        _ = app.Services.GetRequiredService<ModelHost>(); // load the active models before serving
        _ = app.Services.GetRequiredService<SegmentBook>(); // read the segment definitions (a damaged file stops the start)
        _ = app.Services.GetRequiredService<RecommendationService>(); // read the impression log back before the follower attributes
        var worker = app.Services.GetRequiredService<IngestWorker>(); // created after the store, so disposed (drained) before it
        if (worker.Priority != options.IngestPriority)
        {
            PriorityUnavailable(app.Logger, options.IngestPriority, worker.Priority);
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "The ingest thread runs at {Actual} priority, not {Asked}: this process may not raise a thread again once lowered (it needs CAP_SYS_NICE), so lowering it could starve ingestion")]
    private static partial void PriorityUnavailable(ILogger logger, IngestPriority asked, IngestPriority actual);
}
