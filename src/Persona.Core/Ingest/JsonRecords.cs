using System.Text;
using System.Text.Json;

namespace Persona.Core.Ingest;

/// <summary>Splits a request body (a JSON array of objects, or NDJSON) into record elements.</summary>
public static class JsonRecords
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>
    /// The error of a record whose text cannot be read: <see cref="JsonElement.GetString"/> throws
    /// <see cref="InvalidOperationException"/> for an escape that is not valid UTF-16 (a lone surrogate such as
    /// <c>"\ud800"</c>), which the body's UTF-8 check cannot see.
    /// </summary>
    public static string Unreadable(InvalidOperationException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return $"record: a string is not valid Unicode, e.g. an unpaired surrogate escape such as \\ud800 ({error.Message})";
    }

    /// <summary>Parses the body; throws <see cref="MalformedBodyException"/> naming the position of the first syntax error.</summary>
    public static List<JsonElement> Split(ReadOnlyMemory<byte> body) => SplitOwned(body, out _);

    /// <summary>
    /// Splits the body, hands the records to <paramref name="use"/>, then releases the parsed document (its
    /// pooled buffers go back to the pool: a batch body of hundreds of kilobytes would otherwise leave a
    /// large-object-heap array behind per request). The records are invalid after <paramref name="use"/> returns.
    /// </summary>
    public static T WithRecords<T>(ReadOnlyMemory<byte> body, Func<List<JsonElement>, T> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        var records = SplitOwned(body, out var owner);
        using (owner)
        {
            return use(records);
        }
    }

    private static List<JsonElement> SplitOwned(ReadOnlyMemory<byte> body, out JsonDocument? owner)
    {
        owner = null;
        var span = body.Span;
        if (!System.Text.Unicode.Utf8.IsValid(span))
        {
            throw new MalformedBodyException("body: not valid UTF-8");
        }

        var start = span.StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        while (start < span.Length && span[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        if (start >= span.Length)
        {
            throw new MalformedBodyException("body: empty; send a JSON array of objects or NDJSON");
        }

        var records = new List<JsonElement>();
        if (span[start] == (byte)'[')
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(body[start..], Options);
            }
            catch (JsonException ex)
            {
                throw new MalformedBodyException($"body: invalid JSON at line {(ex.LineNumber ?? 0) + 1}, byte {ex.BytePositionInLine ?? 0}: {FirstSentence(ex.Message)}", ex);
            }

            owner = doc;
            foreach (var element in doc.RootElement.EnumerateArray())
            {
                records.Add(element);
            }

            return records;
        }

        var line = 0;
        var pos = start;
        while (pos < body.Length)
        {
            var rest = body.Span[pos..];
            var nl = rest.IndexOf((byte)'\n');
            var len = nl < 0 ? rest.Length : nl;
            var slice = body.Slice(pos, len);
            pos += len + 1;
            line++;
            if (slice.Span.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(slice, Options);
                records.Add(doc.RootElement.Clone());
            }
            catch (JsonException ex)
            {
                throw new MalformedBodyException($"body: invalid JSON on NDJSON line {line}, byte {ex.BytePositionInLine ?? 0}: {FirstSentence(ex.Message)}", ex);
            }
        }

        return records;
    }

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }
}
