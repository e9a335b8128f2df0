using Persona.Storage.TestKit;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.Tests.InMemory;

/// <summary>
/// The conformance suite can fail a backend: run on an in-memory backend that breaks the contract on purpose
/// (<see cref="InMemoryFlaws"/>), exactly the tests of the broken promise fail, while the reference backend passes
/// the whole suite (<see cref="InMemoryBackendConformanceTests"/> and its siblings).
/// </summary>
public sealed class BrokenBackendTests
{
    private const string Durable = "Commit_DurableThenCrash_EveryPartKept";
    private const string Synced = "Sync_AfterCommitsNotDurableThenCrash_EveryCommitKept";
    private const string Atomic = "Commit_CrashCutsTheWritesNotDurable_EachCommitWholeOrAbsentAndThoseKeptAPrefix";

    [Theory]
    [InlineData(InMemoryFlaws.IgnoresDurable, new[] { Durable })]
    [InlineData(InMemoryFlaws.SyncDoesNothing, new[] { Synced })]
    [InlineData(InMemoryFlaws.PiecewiseCommit, new[] { Atomic + "(0.38)", Atomic + "(0.62)", Atomic + "(0.89)" })]
    [InlineData(InMemoryFlaws.All, new[] { Atomic + "(0.38)", Atomic + "(0.62)", Atomic + "(0.89)", Durable, Synced })]
    public void BackendSuite_BackendWithFlaws_FailsExactlyTheTestsOfTheBrokenPromises(InMemoryFlaws flaws, string[] expected)
    {
        Assert.Equal(expected, SuiteRun.Failures(() => new BackendSuite(flaws)));
    }

    [Fact]
    public void BackendSuite_ReferenceBackend_FailsNothing()
    {
        Assert.Empty(SuiteRun.Failures(() => new BackendSuite(InMemoryFlaws.None)));
    }

    [Fact]
    public void CrashSuite_BackendIgnoringDurableAndSync_FailsEveryTestThatLosesItsWrites()
    {
        // Keeping every write that was not durable (1.0), a crash loses nothing even here: that case passes.
        Assert.Equal(
            [
                "Checkpoint_CrashBetweenItsProfilesAndItsRecord_RestartExactAndNewEventsCount(0)",
                "Checkpoint_CrashBetweenItsProfilesAndItsRecord_RestartExactAndNewEventsCount(0.5)",
                "Ingest_CrashAfterAcknowledgedBatches_EveryAcknowledgedEventKeptAndResendsAreDuplicates",
                "UpsertItems_CrashAfterACatalogChange_ReplayedWithTheChangeInItsPlace",
            ],
            SuiteRun.Failures(() => new CrashSuite(InMemoryFlaws.IgnoresDurable | InMemoryFlaws.SyncDoesNothing)));
    }

    [Fact]
    public void AssertProfiles_StoreHoldsAUserTheReferenceLacks_Fails()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-1), users: 20, events: 300);
        using var location = new InMemoryStoreUnderTest();
        using var store = location.Open(new DurableStoreOptions(), new Core.Engine.ProfileEngine(new Core.Engine.EngineConfig()));
        store.UpsertItems(Batch(shop.Catalog));
        store.Ingest(Batch(events));
        var all = Reference(store.Engine, shop.Catalog, events);
        var oneUserLess = Reference(store.Engine, shop.Catalog, events.Where(e => e.UserId != events[0].UserId));

        AssertProfiles(store, all);
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertProfiles(store, oneUserLess));
        Assert.Contains($"1 users the reference does not have, e.g. {events[0].UserId}", failure.Message, StringComparison.Ordinal);
    }

    private sealed class BackendSuite(InMemoryFlaws flaws) : BackendConformanceTests
    {
        protected override IStoreUnderTest CreateStoreUnderTest() => new InMemoryStoreUnderTest(flaws);
    }

    private sealed class CrashSuite(InMemoryFlaws flaws) : StoreCrashTests
    {
        protected override IStoreUnderTest CreateStoreUnderTest() => new InMemoryStoreUnderTest(flaws);
    }
}
