using Persona.Core.Events;
using Persona.Recommend.Experiments;

namespace Persona.Recommend.Feedback;

/// <summary>
/// Closes the loop: a click or purchase carrying a recommendation id is attributed to that answer, at the
/// item's position, in the item statistics and in the experiment arm that served it. Each (answer, item,
/// outcome) counts once; events of another user than the answer's, and items not in the answer, are not
/// attributed. Impressions and experiment outcomes name users as <paramref name="nameOf"/> gives them (a keyed
/// pseudonym where served; the id itself by default), so an event's user is compared and counted under that name.
/// </summary>
public sealed class Attribution(ImpressionBook book, ItemStats stats, Func<string, string>? nameOf = null)
{
    private readonly Func<string, string> _nameOf = nameOf ?? (static id => id);

    /// <summary>The experiment whose arms receive outcomes (null when none runs).</summary>
    public ExperimentResults? Experiment { get; set; }

    public long Attributed { get; private set; }

    /// <summary>Attributes the event if it answers a recommendation; returns whether it did.</summary>
    public bool Observe(BehaviorEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.RecommendationId is null || e.ItemId is null || e.BuiltInType is not (EventType.Click or EventType.Purchase))
        {
            return false;
        }

        if (book.Find(e.RecommendationId) is not { } shown)
        {
            return false;
        }

        var user = _nameOf(e.UserId);
        if (shown.UserId != user)
        {
            return false;
        }

        var position = IndexOf(shown.Items, e.ItemId);
        if (position < 0 || !book.TryAttribute(e.RecommendationId, e.ItemId, e.BuiltInType.ToString()))
        {
            return false;
        }

        var experiment = Experiment;
        var inArm = experiment is not null && shown.Experiment == experiment.Experiment.Id && shown.Variant is not null;
        if (e.BuiltInType == EventType.Click)
        {
            stats.Click(e.ItemId, position);
            if (inArm)
            {
                experiment!.Clicked(shown.Variant!, user);
            }
        }
        else
        {
            stats.Purchase(e.ItemId);
            if (inArm)
            {
                experiment!.Purchased(shown.Variant!, user, (e.Price ?? 0) * (e.Quantity ?? 1));
            }
        }

        Attributed++;
        return true;
    }

    /// <summary>The name impressions and experiment outcomes give <paramref name="userId"/>.</summary>
    public string NameOf(string userId) => _nameOf(userId);

    /// <summary>Counts an answer as shown: its items at their positions, and its arm's exposure.</summary>
    public void Shown(Impression impression)
    {
        ArgumentNullException.ThrowIfNull(impression);
        book.Add(impression);
        for (var p = 0; p < impression.Items.Count; p++)
        {
            stats.Impression(impression.Items[p], p);
        }

        var experiment = Experiment;
        if (experiment is not null && impression.Experiment == experiment.Experiment.Id && impression.Variant is not null)
        {
            experiment.Shown(impression.Variant, impression.UserId, impression.Items.Count);
        }
    }

    private static int IndexOf(IReadOnlyList<string> items, string itemId)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] == itemId)
            {
                return i;
            }
        }

        return -1;
    }
}
