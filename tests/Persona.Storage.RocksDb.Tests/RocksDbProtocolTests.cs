using Persona.Storage.TestKit;

namespace Persona.Storage.RocksDb.Tests;

/// <summary>The recovery suite on the embedded RocksDB backend.</summary>
public sealed class RocksDbStoreRecoveryTests : StoreRecoveryTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest();
}

/// <summary>The user filter's budget on the embedded RocksDB backend.</summary>
public sealed class RocksDbStoreUserFilterTests : StoreUserFilterTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest();
}

/// <summary>The protocol's commits on the embedded RocksDB backend.</summary>
public sealed class RocksDbStoreCommitDurabilityTests : StoreCommitDurabilityTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest();
}
