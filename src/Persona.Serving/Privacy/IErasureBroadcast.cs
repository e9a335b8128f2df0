namespace Persona.Serving.Privacy;

/// <summary>
/// Tells the other nodes of a cluster that a user was erased, so that each drops what it keeps of them in memory
/// (segment membership, cached predictions, the recommender's recent items and answers) and purges its own
/// impression files of them. A single node has no one to tell (<see cref="NoErasureBroadcast"/>).
/// </summary>
public interface IErasureBroadcast
{
    /// <summary>Announces the erasure of <paramref name="userId"/> (after the store erased them).</summary>
    void Announce(string userId);
}

/// <summary>The broadcast of a single node: nobody else to tell.</summary>
public sealed class NoErasureBroadcast : IErasureBroadcast
{
    public void Announce(string userId)
    {
    }
}
