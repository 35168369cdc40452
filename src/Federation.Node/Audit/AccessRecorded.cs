namespace Federation.Node.Audit;

/// <summary>
/// A person consulted data through the agency API (EU Law Enforcement Directive 2016/680, Art. 25: who, when, what,
/// and why). Recorded before the consultation runs, in its own transaction, so no consultation happens unlogged;
/// like every event, it is a leaf of the node's log.
/// </summary>
/// <param name="Person">The person's URI (certificate URI SAN), e.g. <c>urn:federation:person:kr-knpa:auditor</c>.</param>
/// <param name="Roles">The roles configured for that person when the request was made.</param>
/// <param name="CertificateSubject">The client certificate's subject DN.</param>
/// <param name="CertificateSha256">SHA-256 of the client certificate (DER), lower-case hex.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Resource">Path and query string of the request.</param>
/// <param name="Justification">Why, as the person stated it (<c>X-Justification</c>).</param>
/// <param name="At">When, by the node's clock.</param>
/// <param name="Queried">What was looked up, when the endpoint states it: for a match, every hash queried as
/// <c>signal:hex</c> (never the media). Null for endpoints that record only the resource.</param>
public sealed record AccessRecorded(
    string Person,
    IReadOnlyList<string> Roles,
    string CertificateSubject,
    string CertificateSha256,
    string Method,
    string Resource,
    string Justification,
    DateTimeOffset At,
    IReadOnlyList<string>? Queried = null);
