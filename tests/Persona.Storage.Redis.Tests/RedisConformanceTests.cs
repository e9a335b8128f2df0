using Persona.Storage.TestKit;

namespace Persona.Storage.Redis.Tests;

/// <summary>The conformance suite on the Redis backend.</summary>
public sealed class RedisBackendConformanceTests : BackendConformanceTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RedisStoreUnderTest();
}

/// <inheritdoc cref="RedisBackendConformanceTests"/>
public sealed class RedisStoreConformanceTests : StoreConformanceTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RedisStoreUnderTest();
}

/// <summary>The fault suite on the Redis backend.</summary>
public sealed class RedisStoreFaultTests : StoreFaultTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RedisStoreUnderTest();
}

/// <summary>The crash suite on the Redis backend: redis-server killed with SIGKILL and started again on its files.</summary>
public sealed class RedisStoreCrashTests : StoreCrashTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RedisStoreUnderTest();
}

/// <summary>The recovery suite on the Redis backend.</summary>
public sealed class RedisStoreRecoveryTests : StoreRecoveryTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RedisStoreUnderTest();
}

/// <summary>The user filter's budget on the Redis backend.</summary>
public sealed class RedisStoreUserFilterTests : StoreUserFilterTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RedisStoreUnderTest();
}

/// <summary>The protocol's commits on the Redis backend.</summary>
public sealed class RedisStoreCommitDurabilityTests : StoreCommitDurabilityTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RedisStoreUnderTest();
}

/// <summary>The erasure suite on the Redis backend.</summary>
public sealed class RedisStoreErasureTests : StoreErasureTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RedisStoreUnderTest();
}

/// <summary>The encryption suite on the Redis backend.</summary>
public sealed class RedisStoreEncryptionTests : StoreEncryptionTests
{
    protected override IStoreUnderTest CreateStoreUnderTest() => new RedisStoreUnderTest();
}

/// <summary>The purge suite on the Redis backend: the server's directory (append-only files) read whole after the rewrite.</summary>
public sealed class RedisStorePurgeTests : StorePurgeTests
{
    protected override string FilesDirectory => ((RedisStoreUnderTest)Store).Server.Directory;

    protected override IStoreUnderTest CreateStoreUnderTest() => new RedisStoreUnderTest();
}
