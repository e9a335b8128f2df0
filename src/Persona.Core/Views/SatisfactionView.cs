namespace Persona.Core.Views;

/// <summary>
/// How pleased the user is, from their ratings, review sentiment and configured signals (returns, complaints):
/// <c>score</c> is the decayed weighted mean of the signals, from -1 (every signal negative) to 1; <c>evidence</c>
/// is their decayed total weight now (about one per recent signal, halving every satisfaction half-life), so that
/// a rule can ask for a score backed by enough of them; <c>signals</c> counts every signal ever taken in;
/// <c>level</c> is <c>dissatisfied</c> at a score of -0.2 or lower, <c>satisfied</c> at 0.2 or higher, else
/// <c>neutral</c>.
/// </summary>
public sealed record SatisfactionView(double Score, double Evidence, long Signals, string Level)
{
    /// <summary>The score at or below which a user is dissatisfied.</summary>
    public const double DissatisfiedAt = -0.2;

    /// <summary>The score at or above which a user is satisfied.</summary>
    public const double SatisfiedAt = 0.2;

    /// <summary>The level of a score.</summary>
    public static string LevelOf(double score) => score <= DissatisfiedAt ? "dissatisfied" : score >= SatisfiedAt ? "satisfied" : "neutral";
}
