using System.Runtime.InteropServices;

namespace Persona.Server;

/// <summary>Linux scheduling calls (libc).</summary>
internal static partial class NativeMethods
{
    /// <summary>The <c>SCHED_IDLE</c> policy of <c>sched_setscheduler(2)</c>.</summary>
    public const int SchedIdle = 5;

    /// <summary>Sets the scheduling policy of a thread (0: the calling one); 0 on success.</summary>
    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    public static partial int SchedSetScheduler(int pid, int policy, in int priority);
}
