using System.Text.Json;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Core.Serialization;

namespace Persona.Cluster.Grains;

/// <summary>Parsed batches to and from <see cref="WireBatch"/>: events as <c>EventCodec</c> bytes, items and user records as JSON.</summary>
internal static class WireCodec
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The records of <paramref name="batch"/> whose positions are <paramref name="accepted"/>, and, when <paramref name="withRejected"/>, its rejected records.</summary>
    public static WireBatch From<T>(ParsedBatch<T> batch, IReadOnlyList<int> accepted, bool withRejected, Func<T, byte[]> encode)
    {
        var indexes = new int[accepted.Count];
        var records = new byte[accepted.Count][];
        for (var i = 0; i < accepted.Count; i++)
        {
            var (index, record) = batch.Accepted[accepted[i]];
            indexes[i] = index;
            records[i] = encode(record);
        }

        return withRejected
            ? new WireBatch(indexes, records, [.. batch.Rejected.Select(WireError.From)], [.. batch.RejectedRaw])
            : new WireBatch(indexes, records, [], []);
    }

    public static byte[] Encode<T>(T record) => JsonSerializer.SerializeToUtf8Bytes(record, Json);

    public static ParsedBatch<BehaviorEvent> Events(WireBatch batch) => To(batch, b => EventCodec.Deserialize(b));

    public static ParsedBatch<T> FromJson<T>(WireBatch batch) => To(batch, b => JsonSerializer.Deserialize<T>(b, Json)!);

    private static ParsedBatch<T> To<T>(WireBatch batch, Func<byte[], T> decode)
    {
        var accepted = new (int, T)[batch.Indexes.Length];
        for (var i = 0; i < accepted.Length; i++)
        {
            accepted[i] = (batch.Indexes[i], decode(batch.Records[i]));
        }

        return new ParsedBatch<T>(accepted, [.. batch.Rejected.Select(e => e.ToRecordError())], batch.RejectedRaw);
    }
}
