namespace Persona.Models.Sentiment;

/// <summary>
/// Review text as a sparse vector: its words (and, when asked, its word pairs) from <see cref="ReviewTokens"/>,
/// each hashed (FNV-1a over the UTF-16 code units, so the same on every machine) into one of 2^bits buckets,
/// present or not, the vector scaled to unit length; with the lexicon's score of the same tokens beside it. Collisions are rare at the default 2^18 buckets for a
/// shop's review vocabulary, and cost a little accuracy rather than memory.
/// </summary>
public static class HashedNgrams
{
    /// <summary>The sparse unit vector of <paramref name="text"/>: distinct bucket indices, ascending, and their common value.</summary>
    public static SparseText Of(string? text, int bits, bool bigrams)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 24);
        var tokens = ReviewTokens.Of(text);
        var mask = (1u << bits) - 1;
        var set = new HashSet<int>();
        uint previous = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var h = Hash(tokens[i], 2166136261u);
            set.Add((int)(h & mask));
            if (bigrams && i > 0)
            {
                set.Add((int)(Mix(previous, h) & mask));
            }

            previous = h;
        }

        var indices = set.ToArray();
        Array.Sort(indices);
        return new SparseText(indices, indices.Length == 0 ? 0f : (float)(1 / Math.Sqrt(indices.Length)), (float)SentimentLexicon.Score(tokens));
    }

    private static uint Hash(string token, uint seed)
    {
        var h = seed;
        foreach (var c in token)
        {
            h = (h ^ c) * 16777619u;
        }

        return h;
    }

    private static uint Mix(uint a, uint b)
    {
        var h = (a ^ 0x9E3779B9u) * 16777619u;
        h = (h ^ b) * 16777619u;
        return h ^ (h >> 15);
    }
}

/// <summary>
/// A text's features: the buckets present (ascending), the value each holds (one over the square root of their
/// count), and the text's <see cref="SentimentLexicon"/> score, which a model may weigh as one more feature.
/// </summary>
public readonly record struct SparseText(int[] Indices, float Value, float Lexicon);
