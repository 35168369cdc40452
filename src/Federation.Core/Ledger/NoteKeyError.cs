namespace Federation.Core.Ledger;

/// <summary>Why a verifier key (<c>name+id+base64</c>) or signer key (<c>PRIVATE+KEY+name+id+base64</c>) was refused.</summary>
public enum NoteKeyError
{
    /// <summary>Not enough '+'-separated fields, or a signer key without the PRIVATE+KEY prefix.</summary>
    MissingField,
    InvalidName,
    /// <summary>The key ID field is not exactly eight hex digits.</summary>
    InvalidKeyId,
    /// <summary>The key material is empty or not canonical standard base64.</summary>
    InvalidBase64,
    /// <summary>A signature type this node cannot verify (or sign with, for signer keys).</summary>
    UnsupportedType,
    /// <summary>The key material has the wrong length, or does not import as a key of its type.</summary>
    InvalidKey,
    /// <summary>The stated key ID is not the one the key computes to.</summary>
    KeyIdMismatch,
}
