using Persona.Storage.TestKit;

namespace Persona.Storage.RocksDb.Tests;

/// <summary>The conformance suite on the embedded RocksDB backend.</summary>
public sealed class RocksDbBackendConformanceTests : BackendConformanceTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest();
}

/// <inheritdoc cref="RocksDbBackendConformanceTests"/>
public sealed class RocksDbStoreConformanceTests : StoreConformanceTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest();
}

/// <summary>The fault suite on the embedded RocksDB backend, checkpoints through the write-ahead log.</summary>
public sealed class RocksDbStoreFaultTests : StoreFaultTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest(checkpointFileMinProfiles: int.MaxValue);
}

/// <summary>The fault suite on the embedded RocksDB backend, every checkpoint as ingested table files.</summary>
public sealed class RocksDbStoreFaultTestsWithTableFiles : StoreFaultTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest(checkpointFileMinProfiles: 1);
}

/// <summary>The crash suite on the embedded RocksDB backend: the newest write-ahead log file cut back to what was synced.</summary>
public sealed class RocksDbStoreCrashTests : StoreCrashTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest(checkpointFileMinProfiles: int.MaxValue);
}

/// <summary>The erasure suite on the embedded RocksDB backend.</summary>
public sealed class RocksDbStoreErasureTests : StoreErasureTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest();
}

/// <summary>The encryption suite on the embedded RocksDB backend.</summary>
public sealed class RocksDbStoreEncryptionTests : StoreEncryptionTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest();
}

/// <summary>The purge suite on the embedded RocksDB backend: its data directory read whole.</summary>
public sealed class RocksDbStorePurgeTests : StorePurgeTests
{
    protected override string FilesDirectory => ((RocksDbStoreUnderTest)Store).Directory;

    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest();
}
