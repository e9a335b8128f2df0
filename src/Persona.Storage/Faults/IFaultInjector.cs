namespace Persona.Storage.Faults;

/// <summary>
/// A test hook the store calls at each <see cref="FaultPoint"/>: it may return (nothing happens), throw (the
/// operation fails there), block (to order concurrent steps) or end the process (a crash at that point).
/// </summary>
public interface IFaultInjector
{
    void Hit(FaultPoint point);
}
