using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Serialization;

namespace Persona.Storage;

/// <summary>
/// What a store was built with (metadata key <see cref="Key"/>): the engine configuration (its canonical JSON and
/// hash), the engine's behaviour version (<see cref="ProfileEngine.BehaviourVersion"/>) and the versions of the
/// encodings it writes. Profiles hold sums computed under one configuration and one behaviour, so a store opened
/// with another would serve wrong profiles, or mix checkpointed profiles with events replayed under other rules:
/// both are refused, naming what differs. Encodings are upgraded going forward: this build reads every version up
/// to its own and writes its own; a store written by a newer build is refused. Format 1 had no behaviour version:
/// it was written by builds of behaviour 1, and is read as such (and rewritten as format 2 on open). A store of an
/// earlier behaviour opens where every later one only adds state (<see cref="ProfileEngine.CanContinue"/>), and a
/// stored configuration that lacks settings added since is read with their defaults; either way the manifest is
/// rewritten as this build's.
/// </summary>
internal sealed record StoreManifest(int Format, string EngineConfigHash, string EngineConfig, int EngineBehaviour, int ProfileCodecVersion, int EventCodecVersion, DateTimeOffset CreatedAt)
{
    public const string Key = "manifest";
    public const int CurrentFormat = 2;

    public static StoreManifest For(EngineConfig config, DateTimeOffset now) =>
        new(CurrentFormat, EngineConfigJson.Hash(config), EngineConfigJson.Canonical(config), ProfileEngine.BehaviourVersion, ProfileCodec.CurrentVersion, EventCodec.CurrentVersion, now);

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, StoreJson.Options);

    public static StoreManifest FromBytes(byte[] value)
    {
        var manifest = JsonSerializer.Deserialize<StoreManifest>(value, StoreJson.Options) ?? throw new FormatException("empty store manifest");
        return manifest.Format == 1 ? manifest with { EngineBehaviour = 1 } : manifest;
    }

    /// <summary>Throws when a store with this manifest cannot be opened by this build with <paramref name="config"/>.</summary>
    public void Check(EngineConfig config, string where)
    {
        if (Format > CurrentFormat || ProfileCodecVersion > ProfileCodec.CurrentVersion || EventCodecVersion > EventCodec.CurrentVersion)
        {
            throw new InvalidOperationException(
                $"the store at {where} was written by a newer Persona (format {Format}, profile encoding {ProfileCodecVersion}, event encoding {EventCodecVersion}); " +
                $"this build reads up to format {CurrentFormat}, profile encoding {ProfileCodec.CurrentVersion}, event encoding {EventCodec.CurrentVersion}");
        }

        // Profiles cannot be rebuilt under this build's rules in general: retention has deleted the log's older
        // records, which the profiles' decayed sums still hold. So the store is refused, not silently mixed.
        if (!ProfileEngine.CanContinue(EngineBehaviour))
        {
            throw new InvalidOperationException(
                $"the store at {where} holds profiles computed by engine behaviour {EngineBehaviour}, and this build applies events by engine behaviour {ProfileEngine.BehaviourVersion}: " +
                "checkpointed profiles and events replayed under other rules would be mixed. Open it with a build of engine behaviour " +
                $"{EngineBehaviour}, or build a new store in another data directory from the source events (persona import).");
        }

        var hash = EngineConfigJson.Hash(config);
        if (hash != EngineConfigHash && !SameWithDefaults(config))
        {
            var differences = EngineConfigJson.Differences(EngineConfig, EngineConfigJson.Canonical(config));
            throw new InvalidOperationException(
                $"the store at {where} was built with engine configuration {EngineConfigHash}, and this process runs {hash}: " +
                $"{string.Join("; ", differences)}. Profiles hold decayed sums and counters computed under the stored configuration, so they would be wrong under another. " +
                "Run with the stored configuration (serve --engine-config FILE; `persona config --data-dir DIR` prints it), or build a new store in another data directory.");
        }
    }

    /// <summary>
    /// Whether the stored configuration, with the settings it predates at their defaults, is <paramref name="config"/>:
    /// a build that adds a setting (whose default keeps what earlier builds computed) still opens the stores before it.
    /// </summary>
    public bool SameWithDefaults(EngineConfig config)
    {
        try
        {
            return EngineConfigJson.Canonical(EngineConfigJson.Parse(EngineConfig)) == EngineConfigJson.Canonical(config);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return false; // a stored configuration this build cannot read differs from any it runs
        }
    }
}
