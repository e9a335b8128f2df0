using System.Collections.Concurrent;
using Persona.Core.Views;

namespace Persona.Serving.ModelHosting;

/// <summary>
/// Predictions kept per user for reuse while nothing they depend on changed: the model set, the profile's
/// log position (a new event moves it) and the minute of the read (time-windowed inputs move with time).
/// A catalog change that moves no profile (an item's new category or price) reaches cached predictions
/// within that minute. Bounded: when full it starts again empty, which costs one computation per profile
/// read next.
/// </summary>
public sealed class PredictionCache(int capacity)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string userId, long setId, long position, long minute, out PredictionsView? predictions)
    {
        if (_entries.TryGetValue(userId, out var e) && e.SetId == setId && e.Position == position && e.Minute == minute)
        {
            predictions = e.Predictions;
            return true;
        }

        predictions = null;
        return false;
    }

    /// <summary>Drops the user's predictions (an erasure).</summary>
    public void Remove(string userId) => _entries.TryRemove(userId, out _);

    public void Set(string userId, long setId, long minute, PredictionsView predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (capacity == 0)
        {
            return;
        }

        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        _entries[userId] = new Entry(setId, predictions.Position, minute, predictions);
    }

    private sealed record Entry(long SetId, long Position, long Minute, PredictionsView Predictions);
}
