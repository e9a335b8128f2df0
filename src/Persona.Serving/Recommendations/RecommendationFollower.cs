using Persona.Core.Pipeline;
using Persona.Serving.Following;

namespace Persona.Serving.Recommendations;

/// <summary>Feeds every committed event to the recommendation service: the index's sources and attribution.</summary>
public sealed class RecommendationFollower(IProfileStore store, LogSignal signal, RecommendationService service, ILogger<RecommendationFollower> logger)
    : LogFollower(store, signal, logger)
{
    protected override void Apply(IReadOnlyList<LoggedEvent> events) => service.Observe(events);

    /// <summary>The ranked lists follow catalog changes (new items, stock) even when no event arrives.</summary>
    protected override void Idle() => service.Index.RefreshIfDue();
}
