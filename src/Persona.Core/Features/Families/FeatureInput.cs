using Persona.Core.Catalog;
using Persona.Core.Engine;

namespace Persona.Core.Features.Families;

/// <summary>What the families read: the state, the catalog, the time of the read, and the state's finished sessions (computed once for all).</summary>
internal readonly record struct FeatureInput(ProfileState State, ICatalogView Catalog, long NowMs, ProfileReader.FinishedSessions Sessions)
{
    /// <summary>Days since an event type's last event when it has none, and the cap on every span in days.</summary>
    public const double MaxDays = 3650;

    private const double MsPerDay = 86_400_000.0;

    /// <summary>A span in milliseconds in days, within 0..<see cref="MaxDays"/>.</summary>
    public static double Days(double ms) => Math.Clamp(ms / MsPerDay, 0, MaxDays);
}
