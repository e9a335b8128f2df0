using System.Globalization;
using Persona.Core.Events;

namespace Persona.Datasets;

/// <summary>
/// Sentences labelled with sentiment, one per line as <c>text&lt;TAB&gt;label</c> with label 0 (negative) or 1
/// (positive): the UCI Sentiment Labelled Sentences layout (Kotzias et al., KDD 2015), a file or every
/// <c>*_labelled.txt</c> of a folder in name order. Each sentence becomes a review event by its own anonymous
/// writer, with 5 stars for a positive label and 1 star for a negative one. The sentences carry no time: every
/// event has time 0, which the review-sentiment protocol reads as "split at random".
/// </summary>
public static class LabelledSentencesLoader
{
    public static IEnumerable<BehaviorEvent> Read(string path)
    {
        foreach (var file in DataFiles.Resolve(path, "*_labelled.txt"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var n = 0;
            foreach (var line in File.ReadLines(file))
            {
                n++;
                if (line.Length == 0)
                {
                    continue;
                }

                var tab = line.LastIndexOf('\t');
                var label = tab < 0 ? null : line[(tab + 1)..].Trim();
                if (label is not ("0" or "1"))
                {
                    throw new LoaderException($"{name}:{n}: a line needs a sentence, a tab and a label 0 or 1");
                }

                var text = line[..tab].Trim();
                yield return new BehaviorEvent
                {
                    EventId = string.Create(CultureInfo.InvariantCulture, $"{name}:{n}"),
                    Type = (byte)EventType.Review,
                    UserId = string.Create(CultureInfo.InvariantCulture, $"{name}:{n}"),
                    TimestampMs = 0,
                    Rating = label == "1" ? 5 : 1,
                    Text = text.Length <= AmazonReviewsLoader.MaxTextLength ? text : text[..AmazonReviewsLoader.MaxTextLength],
                };
            }
        }
    }

    public static EventDataset Load(string path) => new() { Name = "labelled-sentences", Events = [.. Read(path)] };
}
