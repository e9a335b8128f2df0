using System.Text;
using Persona.Recommend.Experiments;

namespace Persona.Serving.Experiments;

/// <summary>
/// An <see cref="ExperimentTally"/> as bytes, for a shared store: a format byte, then each arm's name and counts and
/// its users (id, clicks, purchases, revenue); counts as variable-length integers, so a tally costs some 15 bytes
/// per exposed user plus the id.
/// </summary>
public static class ExperimentTallyCodec
{
    private const byte Format = 1;

    public static byte[] Encode(ExperimentTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Format);
            w.Write7BitEncodedInt(tally.Arms.Count);
            foreach (var arm in tally.Arms)
            {
                w.Write(arm.Name);
                w.Write7BitEncodedInt64(arm.Answers);
                w.Write7BitEncodedInt64(arm.Items);
                w.Write7BitEncodedInt64(arm.Clicks);
                w.Write7BitEncodedInt64(arm.Purchases);
                w.Write7BitEncodedInt(arm.Users.Count);
                foreach (var u in arm.Users)
                {
                    w.Write(u.UserId);
                    w.Write7BitEncodedInt64(u.Clicks);
                    w.Write7BitEncodedInt64(u.Purchases);
                    w.Write(u.Revenue);
                }
            }
        }

        return stream.ToArray();
    }

    /// <summary>The tally in <paramref name="bytes"/>; <see cref="InvalidDataException"/> for bytes that are not one.</summary>
    public static ExperimentTally Decode(ReadOnlySpan<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            if (r.ReadByte() != Format)
            {
                throw new InvalidDataException("an experiment tally of an unknown format");
            }

            var arms = new ArmTally[Count(r, stream)];
            for (var a = 0; a < arms.Length; a++)
            {
                var name = r.ReadString();
                var (answers, items, clicks, purchases) = (r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64());
                var users = new UserTally[Count(r, stream)];
                for (var i = 0; i < users.Length; i++)
                {
                    users[i] = new UserTally(r.ReadString(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.ReadDouble());
                }

                arms[a] = new ArmTally(name, answers, items, clicks, purchases, users);
            }

            if (stream.Position != stream.Length)
            {
                throw new InvalidDataException("an experiment tally with bytes after its end");
            }

            return new ExperimentTally(arms);
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException)
        {
            throw new InvalidDataException($"a truncated or damaged experiment tally ({ex.Message})", ex);
        }
    }

    /// <summary>A count that the remaining bytes can hold (each element takes at least one byte).</summary>
    private static int Count(BinaryReader r, MemoryStream stream)
    {
        var n = r.Read7BitEncodedInt();
        return n < 0 || n > stream.Length - stream.Position
            ? throw new InvalidDataException($"an experiment tally claims {n} elements in {stream.Length - stream.Position} bytes")
            : n;
    }
}
