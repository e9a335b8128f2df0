namespace Persona.Core.Engine;

/// <summary>A small label → count table (devices, channels), capped in size.</summary>
internal sealed class CountedLabels
{
    public const int Cap = 8;

    public List<KeyValuePair<string, long>> Items { get; } = [];

    public void Add(string label)
    {
        for (var i = 0; i < Items.Count; i++)
        {
            if (Items[i].Key == label)
            {
                Items[i] = new(label, Items[i].Value + 1);
                return;
            }
        }

        if (Items.Count < Cap)
        {
            Items.Add(new(label, 1));
        }
        else
        {
            // The table is full: count the overflow under "other" (the last slot).
            var last = Items.Count - 1;
            Items[last] = new("other", Items[last].Value + 1);
        }
    }

    public CountedLabels Clone()
    {
        var c = new CountedLabels();
        c.Items.AddRange(Items);
        return c;
    }
}
