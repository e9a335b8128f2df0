using System.Text.Json;
using Persona.Core.Catalog;
using Persona.Storage.Backend;

namespace Persona.Storage.Consent;

/// <summary>
/// The users whose record withholds consent to profiling (<c>consent: {"profiling": false}</c>): no profile is
/// built for them and their events are neither logged nor applied, only counted. Read from the user records on
/// open; changed with them, under the store's write lock.
/// </summary>
internal sealed class ProfilingOptOuts
{
    private readonly HashSet<string> _users = new(StringComparer.Ordinal);
    private long _withheldEvents;

    public int Count => _users.Count;

    /// <summary>Events dropped because their user withheld profiling, since the store opened.</summary>
    public long WithheldEvents => Interlocked.Read(ref _withheldEvents);

    public void Load(IRecordStore records)
    {
        records.ScanUsers(json =>
        {
            if (JsonSerializer.Deserialize<UserRecord>(json, StoreJson.Options) is { } user && user.Withholds(UserRecord.ProfilingConsent))
            {
                _users.Add(user.UserId);
            }
        });
    }

    public bool Contains(string userId) => _users.Count > 0 && _users.Contains(userId);

    /// <summary>Records the user's consent as <paramref name="user"/> states it; true when they withhold profiling now and did not before.</summary>
    public bool Update(UserRecord user)
    {
        if (user.Withholds(UserRecord.ProfilingConsent))
        {
            return _users.Add(user.UserId);
        }

        _users.Remove(user.UserId);
        return false;
    }

    public void Withheld(int events) => Interlocked.Add(ref _withheldEvents, events);
}
