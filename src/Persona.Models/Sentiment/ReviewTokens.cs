using System.Globalization;
using System.Text;

namespace Persona.Models.Sentiment;

/// <summary>
/// Splits review text into lower-case word tokens for the sentiment models: letters, digits and inner apostrophes
/// make a word; "!" and "?" are tokens of their own (they carry tone); other punctuation ends a clause. Within a
/// clause, the words after a negation ("not", "no", "never", a word ending in "n't", ...) are marked with
/// <see cref="NegatedPrefix"/>, so that "not good" and "good" are different features. Deterministic and
/// culture-invariant.
/// </summary>
public static class ReviewTokens
{
    /// <summary>The mark of a word in a negated clause.</summary>
    public const string NegatedPrefix = "not_";

    /// <summary>The longest text read (longer text is cut): review text is capped at ingestion far below this.</summary>
    public const int MaxChars = 16_384;

    private static readonly HashSet<string> Negations = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "nowhere", "cannot", "without", "hardly", "barely",
    };

    /// <summary>The tokens of <paramref name="text"/>, negated clauses marked.</summary>
    public static List<string> Of(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        var span = text.AsSpan(0, Math.Min(text.Length, MaxChars));
        var word = new StringBuilder();
        var negated = false;
        for (var i = 0; i <= span.Length; i++)
        {
            var c = i < span.Length ? span[i] : '.';
            var inner = c is '\'' or '\u2019' && word.Length > 0 && i + 1 < span.Length && char.IsLetter(span[i + 1]);
            if (char.IsLetterOrDigit(c) || inner)
            {
                word.Append(inner ? '\'' : char.ToLower(c, CultureInfo.InvariantCulture));
                continue;
            }

            if (word.Length > 0)
            {
                var w = word.ToString();
                word.Clear();
                var negation = IsNegation(w);
                tokens.Add(negated && !negation ? NegatedPrefix + w : w);
                negated |= negation;
            }

            if (c is '!' or '?')
            {
                tokens.Add(c == '!' ? "!" : "?");
                negated = false;
            }
            else if (c is '.' or ',' or ';' or ':' or '(' or ')' or '\n' or '\r')
            {
                negated = false;
            }
        }

        return tokens;
    }

    /// <summary>Whether a lower-case word negates what follows it in its clause.</summary>
    public static bool IsNegation(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return Negations.Contains(word) || word.EndsWith("n't", StringComparison.Ordinal);
    }
}
