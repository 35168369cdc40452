using System.Diagnostics.CodeAnalysis;

namespace Federation.Core.Releases;

/// <summary>
/// The kind of hash an entry carries. Each kind has a one-byte code in the release format and a fixed value length;
/// adding a kind (a video hash, say) is one row in <see cref="Known"/> plus a format note in docs/formats.md.
/// </summary>
public readonly record struct SignalType
{
    // Code = index + 1; code 0 is never valid, so default(SignalType) cannot pass for a real signal.
    private static readonly (string Name, int Length)[] Known =
    [
        ("sha256", 32),
        ("md5", 16),
        ("pdq", 32), // 256-bit PDQ hash (Meta ThreatExchange), written as 64 hex digits
    ];

    public static readonly SignalType Sha256 = new(1);
    public static readonly SignalType Md5 = new(2);
    public static readonly SignalType Pdq = new(3);

    /// <summary>The longest value of any signal type, in bytes.</summary>
    internal const int MaxLength = 32;

    /// <summary>The code written in the release format.</summary>
    public byte Code { get; }

    private SignalType(byte code) => Code = code;

    public string Name => IsDefined(Code) ? Known[Code - 1].Name : "?";

    /// <summary>The value's length in bytes (twice that in hex digits).</summary>
    public int Length => IsDefined(Code) ? Known[Code - 1].Length : 0;

    public static IEnumerable<SignalType> All => Enumerable.Range(1, Known.Length).Select(c => new SignalType((byte)c));

    public static SignalType Parse(string name) =>
        TryParse(name, out var signal) ? signal : throw new FormatException($"'{name}' is not a known signal type ({string.Join(", ", All)})");

    /// <summary>Names are lower case exactly as listed; nothing else is accepted.</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out SignalType signal) => TryParse(name.AsSpan(), out signal) && name is not null;

    public static bool TryParse(ReadOnlySpan<char> name, out SignalType signal)
    {
        for (var i = 0; i < Known.Length; i++)
        {
            if (name.SequenceEqual(Known[i].Name))
            {
                signal = new SignalType((byte)(i + 1));
                return true;
            }
        }
        signal = default;
        return false;
    }

    internal static bool TryFromCode(byte code, out SignalType signal)
    {
        signal = IsDefined(code) ? new SignalType(code) : default;
        return IsDefined(code);
    }

    private static bool IsDefined(byte code) => code >= 1 && code <= Known.Length;

    public override string ToString() => Name;
}
