using System.Collections.Frozen;

namespace Persona.Core.Events;

/// <summary>
/// Maps event type names to codes and back: the ten built-in types plus custom ones registered in
/// configuration (extensible without code changes).
/// </summary>
public sealed class EventTypes
{
    private static readonly string[] BuiltInNames =
        ["view", "click", "cart_add", "cart_remove", "purchase", "rate", "review", "search", "impression", "preference"];

    private readonly string[] _names;
    private readonly FrozenDictionary<string, byte> _codes;

    public EventTypes(IEnumerable<string>? customTypes = null)
    {
        var names = new List<string>(BuiltInNames);
        foreach (var custom in customTypes ?? [])
        {
            var name = custom.Trim().ToLowerInvariant();
            if (name.Length == 0 || names.Contains(name))
            {
                throw new ArgumentException($"custom event type '{custom}' is empty or already defined", nameof(customTypes));
            }

            names.Add(name);
        }

        if (names.Count > 250)
        {
            throw new ArgumentException("at most 240 custom event types are supported", nameof(customTypes));
        }

        _names = [.. names];
        _codes = names.Select((n, i) => (n, i)).ToFrozenDictionary(p => p.n, p => (byte)p.i, StringComparer.Ordinal);
    }

    /// <summary>The number of known types (built-in and custom).</summary>
    public int Count => _names.Length;

    public IReadOnlyList<string> Names => _names;

    public string NameOf(byte code) => code < _names.Length ? _names[code] : $"type{code}";

    public bool TryGetCode(string name, out byte code) => _codes.TryGetValue(name, out code);

    /// <summary>Whether events of this type refer to an item and so require <c>itemId</c>.</summary>
    public static bool RequiresItem(byte code) => code switch
    {
        (byte)EventType.View or (byte)EventType.Click or (byte)EventType.CartAdd or (byte)EventType.CartRemove
            or (byte)EventType.Purchase or (byte)EventType.Rate or (byte)EventType.Review or (byte)EventType.Impression => true,
        _ => false,
    };
}
