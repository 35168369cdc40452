using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Federation.Core.Matching;

/// <summary>Asks the CPU to start loading a cache line that will be read soon.</summary>
internal static class Prefetch
{
    /// <remarks>
    /// A prefetch is only a hint: it never faults and changes no result. So taking the address of a managed
    /// location without pinning is harmless here; if the GC moves the object meanwhile, one hint is wasted.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Line<T>(ref T location)
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref location));
    }
}
