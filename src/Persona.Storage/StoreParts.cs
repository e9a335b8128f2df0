using Microsoft.Extensions.Logging;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Pipeline;
using Persona.Storage.Apply;
using Persona.Storage.Backend;
using Persona.Storage.Cache;
using Persona.Storage.Checkpoints;
using Persona.Storage.DeadLetters;
using Persona.Storage.Dedupe;
using Persona.Storage.Log;

namespace Persona.Storage;

/// <summary>
/// The parts of a store that hold its state, over one backend: the catalog, the log's position and chains
/// (<see cref="EventLog"/>), deduplication, the profile cache, the batch applier, checkpoints, dead letters and the
/// users who withheld profiling.
/// The store ingests through them and recovery (<see cref="Recovery.StoreRecovery"/>) rebuilds them on open.
/// </summary>
internal sealed record StoreParts(
    IStoreBackend Backend,
    DurableStoreOptions Options,
    TimeProvider Clock,
    ILogger Logger,
    CatalogIndex Catalog,
    EventLog Log,
    Deduplicator Dedupe,
    ProfileCache Cache,
    BatchApplier Applier,
    Checkpointer Checkpoints,
    DeadLetterBook DeadLetters,
    Consent.ProfilingOptOuts OptOuts)
{
    /// <summary>Builds the parts, empty, over <paramref name="backend"/>; a failed write in any of them fails <paramref name="gate"/>.</summary>
    public static StoreParts Create(IStoreBackend backend, DurableStoreOptions options, ProfileEngine engine, StoreGate gate, TimeProvider clock, ILogger logger)
    {
        void Failed(Exception ex) => gate.Fail(ex, StoreFaultKind.WriteFailed);
        var catalog = new CatalogIndex();
        var log = new EventLog(backend.Log);
        var dedupe = new Deduplicator(options.DedupeHorizon, options.DedupeIndexBytes, log.EventIdAt, backend, Failed);
        var cache = new ProfileCache(backend.Profiles, new KeyFilter(1 << 18, options.UserFilterBytes), options.ProfileCacheBytes);
        return new StoreParts(
            backend,
            options,
            clock,
            logger,
            catalog,
            log,
            dedupe,
            cache,
            new BatchApplier(engine, catalog),
            new Checkpointer(backend, cache, catalog, log, dedupe, options, clock, logger, Failed),
            new DeadLetterBook(backend.DeadLetters, options.DeadLetterBytes, options.DeadLetterRetention),
            new Consent.ProfilingOptOuts());
    }
}
