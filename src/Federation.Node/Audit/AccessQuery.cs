using System.Globalization;
using System.Text;
using Marten;

namespace Federation.Node.Audit;

/// <summary>Reads the access log back for auditors: newest first, filtered by person, time and text (resource or
/// justification). Reading it is itself a consultation; the caller records it first.</summary>
public static class AccessQuery
{
    public const int MaxRows = 1000;

    public sealed record Filter(string? Person, DateTimeOffset? From, DateTimeOffset? To, string? Text);

    public static async Task<IReadOnlyList<AccessRecorded>> FindAsync(IQuerySession session, Filter filter, int limit, CancellationToken ct)
    {
        IQueryable<AccessRecorded> q = session.Events.QueryRawEventDataOnly<AccessRecorded>();
        if (!string.IsNullOrWhiteSpace(filter.Person)) q = q.Where(a => a.Person.Contains(filter.Person.Trim()));
        if (filter.From is { } from) q = q.Where(a => a.At >= from);
        if (filter.To is { } to) q = q.Where(a => a.At < to);
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim();
            q = q.Where(a => a.Resource.Contains(text) || a.Justification.Contains(text));
        }
        return await q.OrderByDescending(a => a.At).Take(Math.Clamp(limit, 1, MaxRows)).ToListAsync(ct);
    }

    /// <summary>RFC 4180 CSV of the records, every field quoted, for the auditor's export.</summary>
    public static string ToCsv(IEnumerable<AccessRecorded> records)
    {
        var csv = new StringBuilder("at,person,roles,method,resource,justification,certificate_subject,certificate_sha256\r\n");
        foreach (var r in records)
        {
            string[] fields = [r.At.ToString("O", CultureInfo.InvariantCulture), r.Person, string.Join(';', r.Roles), r.Method, r.Resource,
                r.Justification, r.CertificateSubject, r.CertificateSha256];
            csv.AppendJoin(',', fields.Select(f => "\"" + Neutralise(f).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")).Append("\r\n");
        }
        return csv.ToString();
    }

    // A cell starting with = + - @ is a formula to spreadsheet software (CSV injection); prefix it so it stays text.
    private static string Neutralise(string field) => field.Length > 0 && "=+-@".Contains(field[0]) ? "'" + field : field;
}
