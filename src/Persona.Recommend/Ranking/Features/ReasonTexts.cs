using System.Collections.Concurrent;

namespace Persona.Recommend.Ranking.Features;

/// <summary>
/// The reason texts of the features that name something ("popular in shoes", "because you viewed item-17"), made
/// once per prefix and named thing and then reused: an answer has up to two reasons for each of its items, and
/// formatting them anew for every answer was most of the strings a request allocated. Keyed by the catalog's own
/// string (a category path, a feature key, an item id), so a lookup allocates nothing. Bounded: past
/// <see cref="Capacity"/> texts, new ones are formatted each time. Safe for concurrent use.
/// </summary>
internal sealed class ReasonTexts
{
    public const int Capacity = 100_000;

    private readonly ConcurrentDictionary<(string Prefix, string Key), string> _texts = new();

    /// <summary>The text <paramref name="prefix"/> + <paramref name="display"/>(<paramref name="key"/>).</summary>
    public string Get(string prefix, string key, Func<string, string> display)
    {
        if (_texts.TryGetValue((prefix, key), out var text))
        {
            return text;
        }

        text = prefix + display(key);
        if (_texts.Count < Capacity)
        {
            _texts.TryAdd((prefix, key), text);
        }

        return text;
    }
}
