using System.Buffers.Binary;

namespace Persona.Models.Sentiment;

/// <summary>
/// The learned review-sentiment model: two linear heads over the same hashed word features
/// (<see cref="HashedNgrams"/>), a logistic one for "pleased" (4–5 stars against 1–2) and a least-squares one for
/// the stars, each with a weight on the text's lexicon score when the search chose to use it (zero otherwise). Immutable and thread-safe; scoring a review costs its tokenisation and one multiply-add per
/// feature, a few microseconds.
/// </summary>
public sealed class SentimentModel
{
    private const int FormatVersion = 1;
    private const int Header = 24;

    private readonly float[] _positive;
    private readonly float[] _stars;

    internal SentimentModel(int bits, bool bigrams, float[] positive, float positiveBias, float[] stars, float starsBias, float positiveLexicon = 0, float starsLexicon = 0)
    {
        if (positive.Length != 1 << bits || stars.Length != 1 << bits)
        {
            throw new ArgumentException("sentiment model: weights do not match the bucket count");
        }

        Bits = bits;
        Bigrams = bigrams;
        _positive = positive;
        _stars = stars;
        PositiveBias = positiveBias;
        StarsBias = starsBias;
        PositiveLexicon = positiveLexicon;
        StarsLexicon = starsLexicon;
    }

    /// <summary>Log2 of the number of feature buckets.</summary>
    public int Bits { get; }

    /// <summary>Whether word pairs are features as well as words.</summary>
    public bool Bigrams { get; }

    internal float PositiveBias { get; }

    internal float StarsBias { get; }

    /// <summary>The "pleased" head's weight on the lexicon score.</summary>
    public float PositiveLexicon { get; }

    /// <summary>The stars head's weight on the lexicon score.</summary>
    public float StarsLexicon { get; }

    /// <summary>The review's score.</summary>
    public SentimentScore Score(string? text) => Score(HashedNgrams.Of(text, Bits, Bigrams));

    internal SentimentScore Score(SparseText x)
    {
        double p = PositiveBias + (PositiveLexicon * x.Lexicon), s = StarsBias + (StarsLexicon * x.Lexicon);
        foreach (var j in x.Indices)
        {
            p += _positive[j] * x.Value;
            s += _stars[j] * x.Value;
        }

        return new SentimentScore(1 / (1 + Math.Exp(-p)), Math.Clamp(s, 1, 5));
    }

    /// <summary>The weights as bytes: version, bits, bigrams, the two biases, the two lexicon weights, then both weight vectors (little-endian floats).</summary>
    public byte[] ToBytes()
    {
        var n = 1 << Bits;
        var bytes = new byte[Header + (8 * n)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, FormatVersion);
        bytes[4] = (byte)Bits;
        bytes[5] = Bigrams ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8), PositiveBias);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(12), StarsBias);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(16), PositiveLexicon);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(20), StarsLexicon);
        for (var i = 0; i < n; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(Header + (4 * i)), _positive[i]);
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(Header + (4 * (n + i))), _stars[i]);
        }

        return bytes;
    }

    /// <summary>Reads <see cref="ToBytes"/>; refuses another version, a bucket count out of range or a wrong length.</summary>
    public static SentimentModel FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Header || BinaryPrimitives.ReadInt32LittleEndian(bytes) != FormatVersion)
        {
            throw new InvalidDataException("sentiment model: unknown weights format");
        }

        int bits = bytes[4];
        if (bits is < 8 or > 24 || bytes.Length != Header + (8L << bits))
        {
            throw new InvalidDataException("sentiment model: the weights' length does not match their bucket count");
        }

        var n = 1 << bits;
        var positive = new float[n];
        var stars = new float[n];
        for (var i = 0; i < n; i++)
        {
            positive[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(Header + (4 * i))..]);
            stars[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(Header + (4 * (n + i)))..]);
        }

        return new SentimentModel(bits, bytes[5] == 1, positive, BinaryPrimitives.ReadSingleLittleEndian(bytes[8..]), stars, BinaryPrimitives.ReadSingleLittleEndian(bytes[12..]),
            BinaryPrimitives.ReadSingleLittleEndian(bytes[16..]), BinaryPrimitives.ReadSingleLittleEndian(bytes[20..]));
    }
}
