namespace Persona.Models.Interest;

/// <summary>What the interest model predicts the category of.</summary>
public enum InterestTarget
{
    /// <summary>The user's next interaction with an item (view, click, cart add, purchase, rating, review).</summary>
    NextInteraction,

    /// <summary>The user's next purchase.</summary>
    NextPurchase,
}
