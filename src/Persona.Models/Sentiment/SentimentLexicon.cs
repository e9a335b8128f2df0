namespace Persona.Models.Sentiment;

/// <summary>
/// The lexicon baseline for review sentiment: a fixed, hand-written list of English opinion words with
/// valences from -3 to +3, read over <see cref="ReviewTokens"/>. A negated word counts half, reversed; an
/// intensifier before a word scales it (x1.3, or x0.7 for a softener); words after "but" weigh 1.5 and those
/// before it 0.5 (the clause after "but" carries the verdict); each "!" adds 0.3 in the direction of the sum.
/// The sum s is squashed to s / sqrt(s^2 + 15), in (-1, 1). No training: it is the baseline a learned model has
/// to beat, and the fallback when none is served.
/// </summary>
public static class SentimentLexicon
{
    private const double Alpha = 15;

    private static readonly Dictionary<string, double> Valences = Build();

    private static readonly Dictionary<string, double> Intensifiers = new(StringComparer.Ordinal)
    {
        ["very"] = 1.3,
        ["really"] = 1.3,
        ["extremely"] = 1.4,
        ["so"] = 1.2,
        ["super"] = 1.3,
        ["totally"] = 1.3,
        ["absolutely"] = 1.4,
        ["highly"] = 1.3,
        ["incredibly"] = 1.4,
        ["truly"] = 1.2,
        ["most"] = 1.2,
        ["too"] = 1.2,
        ["slightly"] = 0.7,
        ["somewhat"] = 0.7,
        ["kinda"] = 0.7,
        ["fairly"] = 0.8,
        ["pretty"] = 0.9,
        ["little"] = 0.8,
    };

    /// <summary>The words the lexicon knows.</summary>
    public static int Count => Valences.Count;

    /// <summary>The valence of a lower-case word (0 when unknown).</summary>
    public static double Valence(string word) => Valences.GetValueOrDefault(word);

    /// <summary>The text's sentiment in (-1, 1): negative below 0; 0 when no opinion word is found.</summary>
    public static double Score(string? text) => Score(ReviewTokens.Of(text));

    /// <summary>The text's score mapped onto 0–1 (the same order): the probability-like scale ingestion logs.</summary>
    public static double Positive(string? text) => (Score(text) + 1) / 2;

    /// <summary>The sentiment of tokens from <see cref="ReviewTokens.Of"/>.</summary>
    public static double Score(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var but = -1;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] is "but" or "however" or "although" or "though")
            {
                but = i;
            }
        }

        double sum = 0;
        var exclamations = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token == "!")
            {
                exclamations++;
                continue;
            }

            var negated = token.StartsWith(ReviewTokens.NegatedPrefix, StringComparison.Ordinal);
            var word = negated ? token[ReviewTokens.NegatedPrefix.Length..] : token;
            var v = Valence(word);
            if (v == 0)
            {
                continue;
            }

            if (i > 0 && Intensifiers.TryGetValue(Strip(tokens[i - 1]), out var scale))
            {
                v *= scale;
            }

            if (negated)
            {
                v *= -0.5;
            }

            if (but >= 0)
            {
                v *= i < but ? 0.5 : i > but ? 1.5 : 1;
            }

            sum += v;
        }

        if (sum != 0)
        {
            sum += Math.Sign(sum) * 0.3 * Math.Min(exclamations, 4);
        }

        return sum / Math.Sqrt((sum * sum) + Alpha);
    }

    private static string Strip(string token) =>
        token.StartsWith(ReviewTokens.NegatedPrefix, StringComparison.Ordinal) ? token[ReviewTokens.NegatedPrefix.Length..] : token;

    private static Dictionary<string, double> Build()
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(double valence, string words)
        {
            foreach (var w in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                d[w] = valence;
            }
        }

        Add(3.0, "excellent amazing awesome fantastic outstanding perfect superb wonderful flawless brilliant phenomenal incredible exceptional best love loved loves");
        Add(2.5, "great terrific beautiful beautifully gorgeous superior delighted delightful thrilled impressive impressed favorite favourite stellar");
        Add(2.0, "good nice happy pleased satisfied enjoy enjoyed enjoying recommend recommended solid sturdy reliable quality worth glad lovely sweet cool excited fabulous");
        Add(1.5, "well fine easy comfortable smooth clear clean crisp warm rich fun helpful useful handy works worked working durable accurate responsive affordable bargain");
        Add(1.0, "ok okay decent fair adequate cheap simple like liked likes fast quick better improved improvement bright");
        Add(-1.0, "small thin flimsy loose noisy slow hard difficult odd weird meh mediocre average expensive pricey overpriced");
        Add(-1.5, "problem problems issue issues hum buzz buzzing crackle crackling static tinny harsh weak dull cheaply lacking lacks lack annoying annoyed");
        Add(-2.0, "bad poor poorly disappointed disappointing disappointment unhappy unfortunately fail failed fails failure broke broken breaks cracked defective faulty wrong returned return returning refund waste wasted hate");
        Add(-2.5, "terrible awful horrible worse junk garbage useless worthless unusable dead died frustrating frustrated angry ripoff scam");
        Add(-3.0, "worst hated pathetic disgusting crap rubbish trash");
        return d;
    }
}
