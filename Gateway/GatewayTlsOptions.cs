using Custodian.Hosting;

namespace Custodian.Gateway;

/// <summary>The HTTPS certificate of the gateway's gRPC endpoint.</summary>
public sealed class GatewayTlsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Tls";

    /// <summary>The endpoint's certificate.</summary>
    public CertificateOptions Certificate { get; set; } = new();
}
