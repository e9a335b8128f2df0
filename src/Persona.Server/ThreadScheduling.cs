namespace Persona.Server;

/// <summary>
/// Lowers and raises one thread's CPU priority, from that thread or another: on Linux its scheduling policy
/// (<c>SCHED_IDLE</c> or <c>SCHED_OTHER</c>, by thread id), elsewhere <see cref="Thread.Priority"/>. Neither
/// call throws: a change the process may not make returns false.
/// </summary>
internal sealed class ThreadScheduling(Thread thread)
{
    private int _tid;

    /// <summary>
    /// Whether this process may raise a thread back to normal priority once lowered. An unprivileged Linux
    /// process may not (leaving <c>SCHED_IDLE</c> needs <c>CAP_SYS_NICE</c> or an <c>RLIMIT_NICE</c> of 20): found out
    /// on a thread of its own, which ends right after.
    /// </summary>
    public static bool CanRaiseAgain()
    {
        var ok = false;
        var probe = new Thread(() =>
        {
            var self = new ThreadScheduling(Thread.CurrentThread);
            self.Capture();
            ok = self.Lower() && self.Raise();
        })
        { IsBackground = true, Name = "Persona priority probe" };
        probe.Start();
        probe.Join();
        return ok;
    }

    /// <summary>Records the thread's id; called on the thread itself before any other call.</summary>
    public void Capture()
    {
        if (OperatingSystem.IsLinux())
        {
            Volatile.Write(ref _tid, NativeMethods.GetTid());
        }
    }

    /// <summary>Runs the thread only on CPU time no other thread wants.</summary>
    public bool Lower() => Set(NativeMethods.SchedIdle) || SetManaged(ThreadPriority.Lowest);

    /// <summary>Runs the thread like every other.</summary>
    public bool Raise() => Set(NativeMethods.SchedOther) || SetManaged(ThreadPriority.Normal);

    private bool Set(int policy)
    {
        var tid = Volatile.Read(ref _tid);
        return tid != 0 && NativeMethods.SchedSetScheduler(tid, policy, 0) == 0;
    }

    private bool SetManaged(ThreadPriority priority)
    {
        if (OperatingSystem.IsLinux())
        {
            return false; // the policy call is the way there; the managed one would fail the same way
        }

        try
        {
            thread.Priority = priority;
            return true;
        }
        catch (ThreadStateException)
        {
            return false;
        }
    }
}
