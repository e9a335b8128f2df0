using System.Runtime;

namespace Persona.Models.Training;

/// <summary>
/// Keeps the garbage collector out of one training step. TorchSharp passes a temporary <c>Scalar</c>'s
/// native handle to libtorch without keeping the managed object alive (<c>a + b</c> passes alpha = 1 this
/// way), so a collection in the middle of the call can finalise the Scalar while libtorch reads it: a
/// rare crash ("Expected false to be true" from <c>Scalar::toFloat</c>). With no collection during the
/// step, no Scalar the step created can be finalised before the step ends. A step that allocates more than
/// the budget ends the region early (the collector runs again), so this narrows the window, never breaks.
/// </summary>
internal readonly struct NoGcRegion : IDisposable
{
    private const long Budget = 64L << 20;

    private readonly bool _entered;

    private NoGcRegion(bool entered) => _entered = entered;

    public static NoGcRegion Enter()
    {
        try
        {
            return new NoGcRegion(GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(Budget));
        }
        catch (InvalidOperationException)
        {
            return new NoGcRegion(false);
        }
    }

    public void Dispose()
    {
        if (_entered && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }
    }
}
