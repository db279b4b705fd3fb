namespace Custodian.Hosting;

/// <summary>Where a service's X.509 certificate (with private key) comes from.</summary>
public sealed class CertificateOptions
{
    /// <summary>Path of a PKCS#12 (.pfx) file holding the certificate and its private key.</summary>
    public string Path { get; set; } = "";

    /// <summary>Password of the PKCS#12 file; empty for none.</summary>
    [Secret]
    public string Password { get; set; } = "";

    /// <summary>
    /// Development only: when the file does not exist, generate a self-signed certificate for
    /// <c>localhost</c> / 127.0.0.1 / ::1 there, and its public part as PEM beside it (<c>.crt</c>)
    /// for clients to trust.
    /// </summary>
    public bool CreateIfMissing { get; set; }
}
