using Persona.Core.Events;
using Persona.Core.Pipeline;
using Persona.Recommend.Index;

namespace Persona.Cli.Commands;

/// <summary>Reading a store's retained log from the command line, as the service's followers read it.</summary>
internal static class StoreLog
{
    /// <summary>The index as the service builds it at start: every retained event of the store's log, in log order.</summary>
    public static RecommendationIndex Index(IProfileStore store)
    {
        var index = new RecommendationIndex(store.Catalog);
        index.Observe(Events(store));
        index.Refresh();
        return index;
    }

    /// <summary>Every retained event of the store's log, in log order, read a page at a time.</summary>
    public static IEnumerable<BehaviorEvent> Events(IProfileStore store)
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
