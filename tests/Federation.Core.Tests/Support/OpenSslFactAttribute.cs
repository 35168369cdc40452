namespace Federation.Core.Tests.Support;

/// <summary>A fact that is skipped, with the reason shown, when openssl is not installed.</summary>
public sealed class OpenSslFactAttribute : FactAttribute
{
    public OpenSslFactAttribute()
    {
        if (!OpenSsl.Available) Skip = "openssl is not on PATH: the OpenSSL interoperability check did not run";
    }
}
