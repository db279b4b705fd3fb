namespace Custodian.Hosting;

/// <summary>Mutual TLS between silos, and between the gateway and silos.</summary>
public sealed class ClusterTlsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ClusterTls";

    /// <summary>The cluster's certificate; every silo and the gateway present it.</summary>
    public CertificateOptions Certificate { get; set; } = new();

    /// <summary>
    /// Thumbprints of the certificates a peer may present (e.g. during a certificate rollover).
    /// Empty: only the cluster's own certificate.
    /// </summary>
    public List<string> TrustedThumbprints { get; set; } = [];
}
