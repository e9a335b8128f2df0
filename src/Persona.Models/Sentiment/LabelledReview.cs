namespace Persona.Models.Sentiment;

/// <summary>A review's text and its stars (1–5): the sentiment models' training and test rows.</summary>
public sealed record LabelledReview(string Text, int Stars)
{
    /// <summary>Whether the review counts for the "pleased" head: 1–2 and 4–5 stars do, 3 stars does not.</summary>
    public bool IsPolar => Stars != 3;

    /// <summary>1 for 4–5 stars, 0 for 1–2 stars.</summary>
    public int Pleased => Stars >= 4 ? 1 : 0;
}
