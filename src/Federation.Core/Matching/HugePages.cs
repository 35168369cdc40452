using System.Runtime.InteropServices;

namespace Federation.Core.Matching;

/// <summary>Native blocks of 2 MiB, aligned to 2 MiB and offered to the kernel as transparent huge pages.</summary>
internal static unsafe partial class HugePages
{
    public const int Size = 2 << 20;
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE, <sys/mman.h>

    /// <summary>A zeroed block of <see cref="Size"/> bytes; free it with <see cref="Free"/>.</summary>
    public static void* Allocate()
    {
        var block = NativeMemory.AlignedAlloc(Size, Size);
        if (OperatingSystem.IsLinux()) _ = Madvise(block, Size, MadviseHugePage); // a refusal only costs speed
        NativeMemory.Clear(block, Size); // after the advice, so that the first touch can fault in a huge page
        return block;
    }

    public static void Free(void* block) => NativeMemory.AlignedFree(block);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
