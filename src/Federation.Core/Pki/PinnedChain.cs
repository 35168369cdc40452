using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Core.Envelopes;

namespace Federation.Core.Pki;

/// <summary>
/// Builds a certificate's chain to one pinned agency CA and nothing else: never the system store, never "allow
/// unknown CA" (which accepts a rogue CA with the same DN).
/// </summary>
public static class PinnedChain
{
    /// <summary>Checks <paramref name="leaf"/> against <paramref name="anchor"/> at time <paramref name="at"/>.
    /// <paramref name="requiredEku"/>, when given, must be present explicitly in the EKU extension: a certificate
    /// without EKU is not accepted as a TLS identity.</summary>
    public static CertificateCheck Check(X509Certificate2 leaf, TrustAnchor anchor, DateTimeOffset at, string? requiredEku,
        X509Certificate2Collection? intermediates = null)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(anchor.Ca);
        if (intermediates is not null) policy.ExtraStore.AddRange(intermediates);
        // Revocation is checked below against the operator's CRL: the platform's Online mode fails closed on
        // certificates without a distribution point and caches CRLs on disk.
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.VerificationTime = at.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.DisableCertificateDownloads = true;
        if (requiredEku is not null) policy.ApplicationPolicy.Add(new Oid(requiredEku));

        if (!chain.Build(leaf))
        {
            var status = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (a, s) => a | s.Status);
            var detail = $"{leaf.Subject}: {status}";
            if ((status & (X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.NotSignatureValid)) != 0)
                return CertificateCheck.Refused(RejectionReasons.ChainUntrusted, detail);
            if ((status & X509ChainStatusFlags.NotTimeValid) != 0)
                return CertificateCheck.Refused(RejectionReasons.NotTimeValid, detail);
            if ((status & X509ChainStatusFlags.NotValidForUsage) != 0)
                return CertificateCheck.Refused(RejectionReasons.WrongUsage, detail);
            return CertificateCheck.Refused(RejectionReasons.ChainUntrusted, detail);
        }

        var root = chain.ChainElements[^1].Certificate;
        if (!root.RawDataMemory.Span.SequenceEqual(anchor.Ca.RawDataMemory.Span))
            return CertificateCheck.Refused(RejectionReasons.ChainUntrusted, $"{leaf.Subject}: chain ends at {root.Subject}, not the pinned CA");

        if (requiredEku is not null && !HasExplicitEku(leaf, requiredEku))
            return CertificateCheck.Refused(RejectionReasons.WrongUsage, $"{leaf.Subject}: no extended key usage {requiredEku}");

        if (anchor.CrlUrl is not null && anchor.Crl is null)
            return CertificateCheck.Refused(RejectionReasons.CrlUnavailable, $"the CRL of {anchor.Ca.Subject} has not been fetched from {anchor.CrlUrl} yet");
        if (anchor.Crl is { } crl)
        {
            var staleAfter = crl.StaleAfter(anchor.CrlMaxAge);
            if (at > staleAfter)
                return CertificateCheck.Refused(RejectionReasons.CrlStale, crl.NextUpdate is null
                    ? $"the CRL of {anchor.Ca.Subject} names no nextUpdate and is older than {anchor.CrlMaxAge} (issued {crl.ThisUpdate:O})"
                    : $"the CRL of {anchor.Ca.Subject} expired at {staleAfter:O}");
            if (crl.IsRevoked(leaf))
                return CertificateCheck.Refused(RejectionReasons.Revoked, $"{leaf.Subject} serial {leaf.SerialNumber} is on the CRL of {anchor.Ca.Subject}");
        }
        return CertificateCheck.Ok(leaf.Subject);
    }

    public static bool HasExplicitEku(X509Certificate2 cert, string eku) =>
        cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any(e => e.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == eku));

    /// <summary>True when the key usage extension allows digital signatures (required of envelope signers).</summary>
    public static bool AllowsDigitalSignature(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } ku
        && (ku.KeyUsages & X509KeyUsageFlags.DigitalSignature) != 0;

    public static string ClientAuth => FederationOids.ClientAuth;
    public static string ServerAuth => FederationOids.ServerAuth;
}
