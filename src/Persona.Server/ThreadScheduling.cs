namespace Persona.Server;

/// <summary>
/// Lowers and raises one thread's CPU priority, from that thread or another: on Linux its scheduling policy
/// (<c>SCHED_IDLE</c> or <c>SCHED_OTHER</c>, by thread id), elsewhere <see cref="Thread.Priority"/>.
/// </summary>
internal sealed class ThreadScheduling(Thread thread)
{
    private int _tid;

    /// <summary>Records the thread's id; called on the thread itself before any other call.</summary>
    public void Capture()
    {
        if (OperatingSystem.IsLinux())
        {
            Volatile.Write(ref _tid, NativeMethods.GetTid());
        }
    }

    /// <summary>Runs the thread only on CPU time no other thread wants.</summary>
    public void Lower()
    {
        if (!Set(NativeMethods.SchedIdle))
        {
            thread.Priority = ThreadPriority.Lowest;
        }
    }

    /// <summary>Runs the thread like every other.</summary>
    public void Raise()
    {
        if (!Set(NativeMethods.SchedOther))
        {
            thread.Priority = ThreadPriority.Normal;
        }
    }

    private bool Set(int policy)
    {
        var tid = Volatile.Read(ref _tid);
        return tid != 0 && NativeMethods.SchedSetScheduler(tid, policy, 0) == 0;
    }
}
