namespace Persona.Recommend.Index;

/// <summary>
/// Who bought what, from the stream: per user the items bought and how often (for the purchased-item rule and
/// buy-again), per item how many users bought it and how many of them bought it again (its repurchase rate).
/// Not thread-safe.
/// </summary>
internal sealed class PurchaseHistory
{
    private readonly Dictionary<string, Dictionary<int, int>> _byUser = new(StringComparer.Ordinal);
    private readonly Dictionary<int, (int Buyers, int Repeat)> _byItem = [];

    public void Observe(string userId, int item)
    {
        if (!_byUser.TryGetValue(userId, out var bought))
        {
            bought = [];
            _byUser[userId] = bought;
        }

        var times = bought.GetValueOrDefault(item) + 1;
        bought[item] = times;
        var (buyers, repeat) = _byItem.GetValueOrDefault(item);
        _byItem[item] = times == 1 ? (buyers + 1, repeat) : times == 2 ? (buyers, repeat + 1) : (buyers, repeat);
    }

    /// <summary>Drops the user's purchases; the items' buyer counts stay.</summary>
    public void Forget(string userId) => _byUser.Remove(userId);

    public IReadOnlyDictionary<int, int>? Of(string userId) => _byUser.GetValueOrDefault(userId);

    /// <summary>Share of the item's buyers who bought it again, smoothed towards 0 for few buyers (1 prior buyer who did not).</summary>
    public double RepurchaseRate(int item)
    {
        var (buyers, repeat) = _byItem.GetValueOrDefault(item);
        return repeat / (buyers + 1.0);
    }
}
