using System.Globalization;

namespace Federation.Core.Releases;

/// <summary>
/// A release's version within its list: starts at 1 and only goes up (a consumer refuses anything not greater than
/// what it accepted last: no rollback). Kept within a signed 64-bit range so it fits a PostgreSQL <c>bigint</c>.
/// </summary>
public readonly record struct ReleaseVersion : IComparable<ReleaseVersion>
{
    public static readonly ReleaseVersion First = new(1);

    public long Value { get; }

    public ReleaseVersion(long value) =>
        Value = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "a release version is 1 or more");

    public static ReleaseVersion Parse(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1
            ? new ReleaseVersion(v)
            : throw new FormatException($"'{SignalValue.Shorten(text)}' is not a release version (a whole number, 1 or more)");

    public ReleaseVersion Next() => new(checked(Value + 1));

    public int CompareTo(ReleaseVersion other) => Value.CompareTo(other.Value);

    public static bool operator <(ReleaseVersion a, ReleaseVersion b) => a.Value < b.Value;
    public static bool operator >(ReleaseVersion a, ReleaseVersion b) => a.Value > b.Value;
    public static bool operator <=(ReleaseVersion a, ReleaseVersion b) => a.Value <= b.Value;
    public static bool operator >=(ReleaseVersion a, ReleaseVersion b) => a.Value >= b.Value;

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
