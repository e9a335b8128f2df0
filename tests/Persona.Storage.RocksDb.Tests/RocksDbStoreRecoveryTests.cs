using Persona.Storage.TestKit;

namespace Persona.Storage.RocksDb.Tests;

/// <summary>The recovery suite on the embedded RocksDB backend.</summary>
public sealed class RocksDbStoreRecoveryTests : StoreRecoveryTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest();
}
