using System.Buffers.Binary;
using System.Text.Json;

namespace Persona.Storage.Checkpoints;

/// <summary>
/// What a completed checkpoint records (metadata key <see cref="Key"/>). <see cref="Position"/>: every event up
/// to it is in the checkpointed profiles (replay starts after it); the items stored are the catalog as of it.
/// <see cref="HighSeq"/>: the newest durable log position when the record was written, at least the position any
/// checkpointed profile reflects, so that positions are never handed out twice even if the log's tail were lost.
/// <see cref="WatermarkMs"/>: the newest event time accepted up to <see cref="Position"/>.
/// </summary>
internal sealed record CheckpointRecord(long Position, long HighSeq, long WatermarkMs)
{
    public const string Key = "checkpoint";

    public static CheckpointRecord Empty { get; } = new(0, 0, long.MinValue);

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, StoreJson.Options);

    /// <summary>Reads a record; stores written before this format hold only the position, as 8 big-endian bytes.</summary>
    public static CheckpointRecord FromBytes(byte[]? value) => value switch
    {
        null => Empty,
        { Length: 8 } => new CheckpointRecord(BinaryPrimitives.ReadInt64BigEndian(value), BinaryPrimitives.ReadInt64BigEndian(value), long.MinValue),
        _ => JsonSerializer.Deserialize<CheckpointRecord>(value, StoreJson.Options) ?? throw new FormatException("empty checkpoint record"),
    };
}
