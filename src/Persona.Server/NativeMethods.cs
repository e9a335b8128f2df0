using System.Runtime.InteropServices;

namespace Persona.Server;

/// <summary>Linux scheduling calls (libc).</summary>
internal static partial class NativeMethods
{
    /// <summary>The <c>SCHED_OTHER</c> policy of <c>sched_setscheduler(2)</c>: the normal one.</summary>
    public const int SchedOther = 0;

    /// <summary>The <c>SCHED_IDLE</c> policy of <c>sched_setscheduler(2)</c>.</summary>
    public const int SchedIdle = 5;

    /// <summary>Sets the scheduling policy of a thread (by its id; 0: the calling one); 0 on success.</summary>
    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    public static partial int SchedSetScheduler(int tid, int policy, in int priority);

    /// <summary>The calling thread's id (<c>gettid(2)</c>).</summary>
    [LibraryImport("libc", EntryPoint = "gettid")]
    public static partial int GetTid();
}
