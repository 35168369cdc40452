using System.Text;

namespace Federation.Core.Releases;

/// <summary>Constants of the release encoding, version 1 (docs/formats.md is the normative description).</summary>
internal static class ReleaseFormat
{
    /// <summary>"FEDREL", then the format version as a big-endian 16-bit number.</summary>
    public static ReadOnlySpan<byte> Magic => "FEDREL\0\u0001"u8;

    public const byte EndTag = 0x00;
    public const byte LabelTag = 0x01;
    public const byte AddTag = 0x02;
    public const byte WithdrawTag = 0x03;

    /// <summary>Label indexes are 16-bit; 0xFFFF is never used so a count always fits too.</summary>
    public const int MaxLabels = 0xFFFF;

    /// <summary>Named audiences are for a handful of agencies; the cap keeps the header small and bounded.</summary>
    public const int MaxPeers = 1000;

    /// <summary>The longest record: a label definition of three strings of 255 bytes.</summary>
    public const int MaxRecordLength = 1 + 3 * (1 + 255);

    public const int AddLength = 1 + 1 + SignalType.MaxLength + 2;

    /// <summary>UTF-8 that throws on invalid input instead of substituting U+FFFD: one text, one byte string.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
