using System.Security.Cryptography;
using System.Text;
using Federation.Core.Ledger;
using static Federation.Auditor.Verify.Report.Html;

namespace Federation.Auditor.Verify.Report;

/// <summary>
/// <c>fedaudit verify … --report FILE</c>: one self-contained HTML file a court can file and open offline. No external
/// resource, inline CSS and SVG only, and a Content-Security-Policy that forbids every script, fetch, frame and form,
/// so even a value that escaped encoding could run nothing and call nowhere. Every value from the bundle is encoded
/// (<see cref="Html.E(string?)"/>). Written whether the bundle verified or not.
/// </summary>
public static class HtmlReport
{
    /// <summary>The policy in the report's <c>&lt;meta http-equiv&gt;</c>: nothing but its own inline styles.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

    /// <summary>The most recent checkpoints listed in the table (the chart shows them all, thinned evenly).</summary>
    public const int TableRows = 100;

    private const string Style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#111;padding:0 1em}
        h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ccc}
        table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #e3e3e3;vertical-align:top}
        th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:.9em;word-break:break-all}
        .result{font-size:1.2em;font-weight:bold;padding:.5em .8em;border-radius:4px;display:inline-block}
        .ok{background:#dff3df;color:#114411}.failed{background:#fbe0e0;color:#7a0f0f}
        .failure{border:2px solid #b31b1b;padding:.5em 1em;border-radius:4px}
        .chart .axis{stroke:#555}.chart .line{fill:none;stroke:#8aa}.chart text{font-size:11px;fill:#333}
        .chart circle.cosigned{fill:#1b5e20;stroke:#1b5e20}.chart circle.unwitnessed{fill:#fff;stroke:#999}
        .chart .latest{font-weight:bold}.legend .dot{display:inline-block;width:.7em;height:.7em;border-radius:50%;border:1px solid #1b5e20;margin-left:1em}
        .legend .dot.cosigned{background:#1b5e20}.legend .dot.unwitnessed{background:#fff;border-color:#999}
        footer{margin-top:2em;color:#555;font-size:.9em}
        """;

    public static void Write(VerificationRecord record, string path) => File.WriteAllText(path, Render(record), new UTF8Encoding(false));

    public static string Render(VerificationRecord r)
    {
        var html = new StringBuilder();
        var m = r.Manifest;
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="{E(ContentSecurityPolicy)}">
            <meta name="referrer" content="no-referrer">
            <title>fedaudit verify: {E(m?.NodeId ?? "bundle")}</title>
            <style>{Style}</style></head><body>
            <h1>Audit verification report</h1>
            <p id="result" class="result {(r.Failure is null ? "ok" : "failed")}">{(r.Failure is null ? "VERIFIED" : "FAILED: " + E(r.Failure.Reason ?? "check-failed"))}</p>
            """);
        if (r.Failure is { } f)
            html.Append($"""
                <section class="failure" id="failure"><h2>First failure</h2><table>
                <tr><th>Reason code</th><td><code id="failure-reason">{E(f.Reason ?? "(none: a check without its own code)")}</code></td></tr>
                <tr><th>Where</th><td>{E(f.Where)}</td></tr><tr><th>Expected</th><td>{E(f.Expected)}</td></tr><tr><th>Found</th><td>{E(f.Found)}</td></tr>
                </table><p>Verification stopped here: what follows is what had been verified up to this point.</p></section>
                """);

        html.Append("<h2>What was verified</h2><table id=\"verified\">");
        Row(html, "Bundle", r.Bundle);
        Row(html, "Node", m?.NodeId);
        Row(html, "Log origin", m?.Origin);
        Row(html, "Tree size (bundle)", m is null ? null : E(m.TreeSize), encoded: true);
        Row(html, "Exported from", m?.ExportedFrom);
        Row(html, "Exported at (as the bundle says)", m is null ? null : Time(m.ExportedAt), encoded: true);
        Row(html, "Verified at", Time(r.VerifiedAt), encoded: true);
        Row(html, "Entries verified", E(r.Entries), encoded: true);
        Row(html, "Envelopes verified", E(r.Envelopes), encoded: true);
        Row(html, "Checkpoints verified", E(r.CheckpointCount), encoded: true);
        Row(html, "Quorum asked", E(r.Quorum), encoded: true);
        Row(html, "Log key", r.LogKeys.Count == 0 ? null : string.Join(", ", r.LogKeys.Select(k => $"{k.Name}+{k.KeyId}")) + $" ({r.LogKeySource})");
        Row(html, "Result", r.Summary ?? (r.Failure is null ? null : "FAILED"));
        html.Append("</table>");

        Trust(html, r.Trust);
        EventTypes(html, r);
        Checkpoints(html, r);
        html.Append($"""<footer>Written by fedaudit, offline, from the bundle and the trust directory alone. Values from the bundle are shown as found.</footer></body></html>""").Append('\n');
        return html.ToString();
    }

    private static void Trust(StringBuilder html, TrustDirectory? trust)
    {
        html.Append("<h2>Trust used</h2>");
        if (trust is null)
        {
            html.Append("<p>The trust directory was not read.</p>");
            return;
        }
        html.Append("<h3>Agency CAs, each vouching for one node</h3><table id=\"cas\"><tr><th>Node</th><th>CA</th><th>SHA-256 fingerprint</th><th>Valid</th><th>CRL</th></tr>");
        foreach (var (node, t) in trust.Nodes.OrderBy(n => n.Key.Value, StringComparer.Ordinal))
            html.Append($"<tr><td>{E(node.Value)}</td><td>{E(t.Ca.Subject)}</td><td><code>{E(Fingerprint(t.Ca.RawData))}</code></td>")
                .Append($"<td>{Time(t.Ca.NotBefore)} to {Time(t.Ca.NotAfter)}</td>")
                .Append(t.Crl is { } crl ? $"<td>{E(crl.Count)} revoked, issued {Time(crl.ThisUpdate)}{(crl.NextUpdate is { } next ? ", next " + Time(next) : "")}</td>" : "<td>none given</td>")
                .Append("</tr>");
        if (trust.Nodes.Count == 0) html.Append("<tr><td colspan=\"5\">none</td></tr>");
        html.Append("</table><h3>Verifier keys</h3><table id=\"keys\"><tr><th>Kind</th><th>Name</th><th>Key id</th><th>Verifier key</th></tr>");
        foreach (var k in trust.Keys)
            html.Append($"<tr><td>{(k.Type == NoteKeyType.CosignatureV1 ? "witness (cosignature/v1)" : E(k.Type.ToString()))}</td><td>{E(k.Name)}</td><td><code>{E(k.KeyId.ToString())}</code></td><td><code>{E(k.ToString())}</code></td></tr>");
        if (trust.Keys.Count == 0) html.Append("<tr><td colspan=\"4\">none</td></tr>");
        html.Append("</table>");
    }

    private static void EventTypes(StringBuilder html, VerificationRecord r)
    {
        html.Append("<h2>Entries per event type</h2><table id=\"event-types\"><tr><th>Event type</th><th>Entries</th></tr>");
        foreach (var (type, count) in r.EventTypes)
            html.Append($"<tr><td><code>{E(type)}</code></td><td class=\"n\">{E(count)}</td></tr>");
        if (r.OtherTypes > 0)
            html.Append($"<tr><td>(types beyond the first {E(VerificationRecord.MaxEventTypes)})</td><td class=\"n\">{E(r.OtherTypes)}</td></tr>");
        html.Append($"<tr><th>Total</th><th class=\"n\">{E(r.Entries)}</th></tr></table>");
    }

    private static void Checkpoints(StringBuilder html, VerificationRecord r)
    {
        var all = r.Checkpoints;
        html.Append("<h2>Checkpoints over time</h2>").Append(CheckpointChart.Svg(all));
        var shown = all.Skip(Math.Max(0, all.Count - TableRows)).Reverse().ToList();
        if (r.CheckpointCount > shown.Count) html.Append($"<p>The latest {E(shown.Count)} of {E(r.CheckpointCount)} verified checkpoints:</p>");
        html.Append("<table id=\"checkpoints\"><tr><th>#</th><th>Size</th><th>Signed</th><th>Trusted witnesses</th><th>Other signatures (untrusted keys)</th></tr>");
        foreach (var c in shown)
            html.Append($"<tr><td>{E(c.Id)}</td><td class=\"n\">{E(c.Size)}</td><td>{Time(c.SignedAt)}</td>")
                .Append($"<td>{(c.Witnesses.Count == 0 ? "none" : string.Join("<br>", c.Witnesses.Select(w => E(w))))}</td>")
                .Append($"<td>{(c.Untrusted.Count == 0 ? "" : string.Join("<br>", c.Untrusted.Select(w => E(w))))}</td></tr>");
        html.Append("</table>");
    }

    private static void Row(StringBuilder html, string label, string? value, bool encoded = false) =>
        html.Append($"<tr><th>{E(label)}</th><td>{(value is null ? "—" : encoded ? value : E(value))}</td></tr>");

    private static string Fingerprint(byte[] der) => string.Join(':', SHA256.HashData(der).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
}
