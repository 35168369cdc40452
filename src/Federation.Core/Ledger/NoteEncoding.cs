using System.Text;

namespace Federation.Core.Ledger;

/// <summary>Lexical rules shared by signed notes, key strings and checkpoints (C2SP signed-note §Format).</summary>
internal static class NoteEncoding
{
    /// <summary>U+2014 EM DASH and one space: the start of every signature line.</summary>
    public const string SignaturePrefix = "\u2014 ";

    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Key names are non-empty and contain no Unicode whitespace and no '+' (which separates key-string fields).</summary>
    public static bool IsValidKeyName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty) return false;
        foreach (var c in name)
            if (c == '+' || char.IsWhiteSpace(c) || char.IsControl(c)) return false;
        return true;
    }
}
