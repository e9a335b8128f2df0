using Persona.Models.Sentiment;

namespace Persona.Serving.ModelHosting;

/// <summary>
/// Scores review text at ingestion: with the sentiment model the registry serves (<see cref="ModelHost"/>), or with
/// the lexicon (<see cref="SentimentLexicon"/>, its score mapped onto 0–1) while none is served. The score is logged
/// with the event, so a profile replayed later is the one served, whichever model serves then.
/// </summary>
public sealed class ReviewSentiment(ModelHost models)
{
    /// <summary>The probability that the text's writer is pleased.</summary>
    public double Score(string text) =>
        models.Current.Find<SentimentModelArtifact>(SentimentModelArtifact.Kind) is { } served
            ? served.Model.Score(text).Positive
            : SentimentLexicon.Positive(text);
}
