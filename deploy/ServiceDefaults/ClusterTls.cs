using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Custodian.Hosting;

/// <summary>Configures Orleans' TLS for mutual authentication by pinned certificates.</summary>
public static class ClusterTls
{
    /// <summary>Presents <paramref name="certificate"/> and accepts only pinned peer certificates, both ways.</summary>
    public static void Configure(TlsOptions tls, X509Certificate2 certificate, ClusterTlsOptions options)
    {
        var trusted = options.TrustedThumbprints.Count > 0
            ? options.TrustedThumbprints.Select(t => t.ToUpperInvariant()).ToHashSet()
            : [certificate.Thumbprint.ToUpperInvariant()];
        tls.LocalCertificate = certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (remote, _, _) => trusted.Contains(remote.Thumbprint.ToUpperInvariant());
        tls.OnAuthenticateAsClient = (_, client) => client.TargetHost = "localhost";
    }
}
