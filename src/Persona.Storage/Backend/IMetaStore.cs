namespace Persona.Storage.Backend;

/// <summary>Visits one metadata entry; returns false to stop.</summary>
public delegate bool MetaVisitor(string key, ReadOnlySpan<byte> value);

/// <summary>Small named records of the protocol (checkpoint, manifest, marks, feature names), written through <see cref="IStoreBackend.Commit"/>.</summary>
public interface IMetaStore
{
    byte[]? Read(string key);

    /// <summary>Visits the entries whose key starts with <paramref name="prefix"/>, in ordinal key order.</summary>
    void Scan(string prefix, MetaVisitor visitor);
}
