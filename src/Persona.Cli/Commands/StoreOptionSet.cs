using System.CommandLine;
using Persona.Core.Engine;
using Persona.Storage;
using Persona.Storage.Encryption;
using Persona.Storage.RocksDb;

namespace Persona.Cli.Commands;

/// <summary>The embedded store's options, shared by the commands that open a store (serve, import, profile).</summary>
internal sealed class StoreOptionSet
{
    public Option<string> DataDir { get; } = CommonOptions.DataDir();

    public Option<string?> EngineConfig { get; } = CommonOptions.EngineConfig();

    public Option<string?> EncryptionKeys { get; } = new("--encryption-keys")
    {
        Description = $"A key file (lines ID:BASE64; make one with persona encryption-key) that encrypts the store at rest; default: the {StoreKeyRing.EnvironmentVariable} environment variable, else none. Fixed when the store is created",
    };

    public Option<double> RetentionDays { get; } = new("--retention-days")
    {
        Description = "Delete log records older than this many days behind the newest event time, once a checkpoint covers them (0 keeps them forever)",
        DefaultValueFactory = _ => DurableStoreOptions.DefaultRetention.TotalDays,
    };

    public Option<double> DedupeHorizonDays { get; } = new("--dedupe-horizon-days")
    {
        Description = "Deduplicate exactly within this many days behind the newest event time; older events are refused (0: no horizon; then --retention-days must be 0)",
        DefaultValueFactory = _ => DurableStoreOptions.DefaultDedupeHorizon.TotalDays,
    };

    public Option<int> ProfileCacheMb { get; } = new("--profile-cache-mb")
    {
        Description = "MiB of profiles kept in memory; colder profiles are read from their checkpoint",
        DefaultValueFactory = _ => (int)(DurableStoreOptions.DefaultProfileCacheBytes >> 20),
    };

    public Option<int> DedupeIndexMb { get; } = new("--dedupe-index-mb")
    {
        Description = "MiB of the in-memory deduplication index (16-byte slots); older ids spill to disk, where only late events are looked up",
        DefaultValueFactory = _ => (int)(DurableStoreOptions.DefaultDedupeIndexBytes >> 20),
    };

    public Option<int> DeadLetterMb { get; } = new("--dead-letter-mb")
    {
        Description = "MiB of dead letters kept (the oldest go first; all go after 7 days)",
        DefaultValueFactory = _ => (int)(DurableStoreOptions.DefaultDeadLetterBytes >> 20),
    };

    public Option<int> CheckpointEvery { get; } = new("--checkpoint-every")
    {
        Description = "Log records between checkpoints (or 30 s); bounds the log replayed on restart",
        DefaultValueFactory = _ => DurableStoreOptions.DefaultCheckpointEveryEvents,
    };

    public Option<int> CheckpointFileMinProfiles { get; } = CommonOptions.CheckpointFileMinProfiles();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { DataDir, EngineConfig, EncryptionKeys, RetentionDays, DedupeHorizonDays, ProfileCacheMb, DedupeIndexMb, DeadLetterMb, CheckpointEvery, CheckpointFileMinProfiles })
        {
            command.Options.Add(option);
        }
    }

    public EmbeddedStoreOptions Build(ParseResult r) => new()
    {
        DataDirectory = r.GetValue(DataDir)!,
        Retention = TimeSpan.FromDays(r.GetValue(RetentionDays)),
        DedupeHorizon = TimeSpan.FromDays(r.GetValue(DedupeHorizonDays)),
        ProfileCacheBytes = (long)r.GetValue(ProfileCacheMb) << 20,
        DedupeIndexBytes = (long)r.GetValue(DedupeIndexMb) << 20,
        DeadLetterBytes = (long)r.GetValue(DeadLetterMb) << 20,
        CheckpointEveryEvents = r.GetValue(CheckpointEvery),
        CheckpointFileMinProfiles = r.GetValue(CheckpointFileMinProfiles),
        Encryption = KeyRing(r.GetValue(EncryptionKeys)),
    };

    /// <summary>The key ring in <paramref name="file"/>, else in the environment variable, else none.</summary>
    public static StoreKeyRing? KeyRing(string? file) =>
        file is not null ? StoreKeyRing.FromFile(file)
        : Environment.GetEnvironmentVariable(StoreKeyRing.EnvironmentVariable) is { Length: > 0 } keys ? StoreKeyRing.Parse(keys, StoreKeyRing.EnvironmentVariable)
        : null;

    /// <summary>The engine configuration: the file given with --engine-config, or the defaults.</summary>
    public EngineConfig Engine(ParseResult r) => CommonOptions.LoadEngineConfig(r.GetValue(EngineConfig));
}
