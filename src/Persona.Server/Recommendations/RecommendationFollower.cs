using Persona.Core.Pipeline;
using Persona.Server.Following;

namespace Persona.Server.Recommendations;

/// <summary>Feeds every committed event to the recommendation service: the index's sources and attribution.</summary>
public sealed class RecommendationFollower(IProfileStore store, LogSignal signal, RecommendationService service, ILogger<RecommendationFollower> logger)
    : LogFollower(store, signal, logger)
{
    protected override void Apply(IReadOnlyList<LoggedEvent> events) => service.Observe(events);
}
