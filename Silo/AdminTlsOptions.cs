using Custodian.Hosting;

namespace Custodian.Silo;

/// <summary>The HTTPS certificate of the silo's admin endpoint (dashboard, login, health).</summary>
public sealed class AdminTlsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AdminTls";

    /// <summary>The endpoint's certificate.</summary>
    public CertificateOptions Certificate { get; set; } = new();
}
