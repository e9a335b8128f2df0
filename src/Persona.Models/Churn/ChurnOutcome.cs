namespace Persona.Models.Churn;

/// <summary>What the retention models predict for the window after a cut.</summary>
public enum ChurnOutcome
{
    /// <summary>Churn: the user does nothing at all in the window.</summary>
    NoActivity,

    /// <summary>Purchase propensity: the user buys at least once in the window.</summary>
    Purchase,
}
