using System.Runtime.CompilerServices;

namespace Federation.Core.Releases;

/// <summary>Inline storage for the longest signal value, so a <see cref="SignalValue"/> is a plain value with no heap
/// allocation: a million parsed entries cost no garbage beyond their labels, which are shared.</summary>
[InlineArray(SignalType.MaxLength)]
internal struct ValueBytes
{
    private byte _first;
}
