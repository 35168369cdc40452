namespace Federation.Core.Ledger;

/// <summary>
/// Signature type bytes of C2SP signed-note (§Signature types), the first byte of a verifier key's material.
/// Only the ones this node can verify are listed; any other byte makes a verifier key unsupported.
/// </summary>
public enum NoteKeyType : byte
{
    /// <summary>Ed25519 over the note text (RFC 8032). The log key.</summary>
    Ed25519 = 0x01,
    /// <summary>ECDSA, DER signature over SHA-256 of the text, key ID = SHA-256(SPKI)[:4] (Rekor v1). Verify only.</summary>
    Ecdsa = 0x02,
    /// <summary>Timestamped Ed25519 checkpoint cosignature, C2SP tlog-cosignature v1. The witness key.</summary>
    CosignatureV1 = 0x04,
}
