using Persona.Storage.TestKit;

namespace Persona.Storage.Tests.InMemory;

/// <summary>The conformance suite on the in-memory reference backend: the suite asks nothing of a backend beyond the contract.</summary>
public sealed class InMemoryBackendConformanceTests : BackendConformanceTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new InMemoryStoreUnderTest();
}

/// <inheritdoc cref="InMemoryBackendConformanceTests"/>
public sealed class InMemoryStoreConformanceTests : StoreConformanceTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new InMemoryStoreUnderTest();
}

/// <inheritdoc cref="InMemoryBackendConformanceTests"/>
public sealed class InMemoryStoreFaultTests : StoreFaultTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new InMemoryStoreUnderTest();
}

/// <inheritdoc cref="InMemoryBackendConformanceTests"/>
public sealed class InMemoryStoreCrashTests : StoreCrashTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new InMemoryStoreUnderTest();
}

/// <inheritdoc cref="InMemoryBackendConformanceTests"/>
public sealed class InMemoryStoreRecoveryTests : StoreRecoveryTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new InMemoryStoreUnderTest();
}

/// <inheritdoc cref="InMemoryBackendConformanceTests"/>
public sealed class InMemoryStoreUserFilterTests : StoreUserFilterTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new InMemoryStoreUnderTest();
}

/// <inheritdoc cref="InMemoryBackendConformanceTests"/>
public sealed class InMemoryStoreCommitDurabilityTests : StoreCommitDurabilityTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new InMemoryStoreUnderTest();
}

/// <inheritdoc cref="InMemoryBackendConformanceTests"/>
public sealed class InMemoryStoreErasureTests : StoreErasureTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new InMemoryStoreUnderTest();
}

/// <inheritdoc cref="InMemoryBackendConformanceTests"/>
public sealed class InMemoryStoreEncryptionTests : StoreEncryptionTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new InMemoryStoreUnderTest();
}
