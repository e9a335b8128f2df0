namespace Persona.Storage.Backend;

/// <summary>Catalog items and user records, as JSON under their ids.</summary>
public interface IRecordStore
{
    /// <summary>Visits the JSON of every catalog item.</summary>
    void ScanItems(Action<ReadOnlySpan<byte>> visitor);

    /// <summary>Visits the JSON of every user record.</summary>
    void ScanUsers(Action<ReadOnlySpan<byte>> visitor);

    /// <summary>The JSON of a user record, or null.</summary>
    byte[]? ReadUser(string userId);
}
