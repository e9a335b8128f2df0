using Microsoft.Extensions.DependencyInjection.Extensions;
using Persona.Core.Engine;
using Persona.Serving.Access;
using Persona.Serving.Churn;
using Persona.Serving.Experiments;
using Persona.Serving.Following;
using Persona.Serving.Maintenance;
using Persona.Serving.Marketing;
using Persona.Serving.ModelHosting;
using Persona.Serving.Privacy;
using Persona.Serving.Profiles;
using Persona.Serving.Recommendations;
using Persona.Serving.Segments;

namespace Persona.Serving.Hosting;

/// <summary>
/// Registers the serving stack in a host's services. The store comes from a store's own extension (e.g.
/// <c>AddRocksDbProfileStore</c>), which registers <c>IProfileStore</c> and <c>IStoreMaintenance</c>.
/// Every host resolves the same parts: the HTTP service starts their background work (model polling, the log
/// followers, maintenance) by running the host; the command line resolves them from a plain service provider,
/// where nothing runs in the background, and steps the followers itself.
/// </summary>
public static class ServingHostingExtensions
{
    /// <summary>
    /// The engine (<paramref name="engineConfig"/>, or the defaults), profile views with predictions, model hosting,
    /// recommendations, segments, churn warning and coupon targeting, the log followers and store maintenance;
    /// <see cref="TimeProvider.System"/> unless the host registered a clock first. Options are validated here, at start.
    /// </summary>
    public static IServiceCollection AddPersonaServing(this IServiceCollection services, ServingOptions options, EngineConfig? engineConfig = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new ProfileEngine(engineConfig ?? new EngineConfig()));
        services.AddSingleton(sp => new ProfileReader(sp.GetRequiredService<ProfileEngine>()));
        services.AddSingleton<LogSignal>();
        services.AddSingleton<ModelHost>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelHost>());
        services.AddSingleton<ReviewSentiment>();
        services.AddSingleton(_ => new PredictionCache(options.PredictionCacheEntries));
        services.AddSingleton<ProfileViews>();
        services.AddSingleton<Persona.Serving.Analysis.AnalysisService>();
        services.AddSingleton(sp => new NodeIdentity(options));
        services.TryAddSingleton<IApiKeyStore>(_ => new ApiKeyFile(options.DataDirectory));
        services.AddSingleton<ApiKeys>();
        services.TryAddSingleton<IExperimentStore>(_ => new ExperimentFile(options.DataDirectory));
        services.TryAddSingleton(_ => Pseudonyms.FromDirectory(options.DataDirectory));
        services.AddSingleton(_ => new ErasureLedger(options.DataDirectory));
        services.TryAddSingleton<IErasureBroadcast, NoErasureBroadcast>();
        services.TryAddSingleton<IPrivacyLedger>(_ => new PrivacyLedgerFile(options.DataDirectory));
        services.AddSingleton<RecommendationService>();
        services.AddHostedService<ExperimentSync>();
        services.AddSingleton<RecommendationFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<RecommendationFollower>());
        services.TryAddSingleton<ISegmentDefinitionStore>(_ => new SegmentFile(options.DataDirectory));
        services.AddSingleton<SegmentBook>();
        services.AddHostedService<SegmentDefinitionSync>();
        services.AddSingleton<SegmentFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<SegmentFollower>());
        services.AddSingleton<LogFollower>(sp => sp.GetRequiredService<RecommendationFollower>());
        services.AddSingleton<LogFollower>(sp => sp.GetRequiredService<SegmentFollower>());
        services.AddSingleton<ChurnWarning>();
        services.AddSingleton<CouponTargeting>();
        services.AddSingleton<UserErasure>();
        services.AddHostedService<MaintenanceService>();
        return services;
    }
}
