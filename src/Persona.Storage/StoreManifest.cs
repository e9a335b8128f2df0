using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Serialization;

namespace Persona.Storage;

/// <summary>
/// What a store was built with (metadata key <see cref="Key"/>): the engine configuration (its canonical JSON and
/// hash) and the versions of the encodings it writes. Profiles hold sums computed under one configuration, so a
/// store opened with another would serve wrong profiles: that is refused, naming the settings that differ.
/// Encodings are upgraded going forward: this build reads every version up to its own and writes its own; a
/// store written by a newer build is refused.
/// </summary>
internal sealed record StoreManifest(int Format, string EngineConfigHash, string EngineConfig, int ProfileCodecVersion, int EventCodecVersion, DateTimeOffset CreatedAt)
{
    public const string Key = "manifest";
    public const int CurrentFormat = 1;

    public static StoreManifest For(EngineConfig config, DateTimeOffset now) =>
        new(CurrentFormat, EngineConfigJson.Hash(config), EngineConfigJson.Canonical(config), ProfileCodec.CurrentVersion, EventCodec.CurrentVersion, now);

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, StoreJson.Options);

    public static StoreManifest FromBytes(byte[] value) =>
        JsonSerializer.Deserialize<StoreManifest>(value, StoreJson.Options) ?? throw new FormatException("empty store manifest");

    /// <summary>Throws when a store with this manifest cannot be opened by this build with <paramref name="config"/>.</summary>
    public void Check(EngineConfig config, string where)
    {
        if (Format > CurrentFormat || ProfileCodecVersion > ProfileCodec.CurrentVersion || EventCodecVersion > EventCodec.CurrentVersion)
        {
            throw new InvalidOperationException(
                $"the store at {where} was written by a newer Persona (format {Format}, profile encoding {ProfileCodecVersion}, event encoding {EventCodecVersion}); " +
                $"this build reads up to format {CurrentFormat}, profile encoding {ProfileCodec.CurrentVersion}, event encoding {EventCodec.CurrentVersion}");
        }

        var hash = EngineConfigJson.Hash(config);
        if (hash != EngineConfigHash)
        {
            var differences = EngineConfigJson.Differences(EngineConfig, EngineConfigJson.Canonical(config));
            throw new InvalidOperationException(
                $"the store at {where} was built with engine configuration {EngineConfigHash}, and this process runs {hash}: " +
                $"{string.Join("; ", differences)}. Profiles hold decayed sums and counters computed under the stored configuration, so they would be wrong under another. " +
                "Run with the stored configuration (serve --engine-config FILE; `persona config --data-dir DIR` prints it), or build a new store in another data directory.");
        }
    }
}
