using Persona.Core.Events;
using Persona.Core.Pipeline;

namespace Persona.Serving.Following;

/// <summary>Reading a store's retained log in one pass, as a follower reads it from the start.</summary>
public static class LogEvents
{
    /// <summary>Every retained event of the store's log, in log order, read a page at a time.</summary>
    public static IEnumerable<BehaviorEvent> All(IProfileStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Read(store);
    }

    private static IEnumerable<BehaviorEvent> Read(IProfileStore store)
    {
        for (var position = 0L; ;)
        {
            var page = store.ReadLog(position, 65_536);
            if (page.Count == 0)
            {
                yield break;
            }

            foreach (var logged in page)
            {
                yield return logged.Event;
            }

            position = page[^1].Seq;
        }
    }
}
