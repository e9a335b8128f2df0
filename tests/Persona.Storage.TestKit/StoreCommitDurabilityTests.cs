using Persona.Core.Catalog;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Storage.Backend;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.TestKit;

/// <summary>
/// Every commit the protocol makes is durable before it returns: an acknowledged batch, catalog change, user
/// record or dead letter is on stable storage, and no checkpoint can hold a profile ahead of the log.
/// </summary>
public abstract class StoreCommitDurabilityTests : StoreTestBase
{
    [Fact]
    public void Commit_EveryWriteOfEveryKind_AskedToBeDurable()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-2), users: 20, events: 500);
        var options = new DurableStoreOptions();
        var backend = new DurabilityRecorder(Store.OpenBackend(options));
        using (var store = DurableProfileStore.Open(backend, options, Engine, "recorded backend"))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(events[..250]));
            store.Ingest(new ParsedBatch<Core.Events.BehaviorEvent>([.. events[250..].Select((e, i) => (i, e))], [new RecordError(250, "bad", ["userId: missing"])], ["{}"]));
            store.UpsertUsers(Batch([new UserRecord { UserId = events[0].UserId }]));
            store.Checkpoint();
        }

        Assert.Equal((0, true), (backend.NotDurable, backend.Commits >= 5));
    }

    /// <summary>A backend that counts commits, and those not asked to be durable.</summary>
    private sealed class DurabilityRecorder(IStoreBackend inner) : IStoreBackend
    {
        private readonly Lock _counting = new();

        public int Commits { get; private set; }

        public int NotDurable { get; private set; }

        public IEventLogStore Log => inner.Log;

        public IProfileSnapshotStore Profiles => inner.Profiles;

        public IRecordStore Records => inner.Records;

        public IDeadLetterStore DeadLetters => inner.DeadLetters;

        public IMetaStore Meta => inner.Meta;

        public IEventIdStore EventIds => inner.EventIds;

        public void Commit(StoreWrite write, bool durable)
        {
            lock (_counting)
            {
                Commits++;
                NotDurable += durable ? 0 : 1;
            }

            inner.Commit(write, durable);
        }

        public void Sync() => inner.Sync();

        public void Purge() => inner.Purge();

        public StoreFaultKind Classify(Exception failure) => inner.Classify(failure);

        public void Dispose() => inner.Dispose();
    }
}
