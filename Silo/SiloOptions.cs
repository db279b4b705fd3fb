using System.ComponentModel.DataAnnotations;

namespace Custodian.Silo;

/// <summary>Where this silo runs: its region (its cluster) and its endpoints.</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Silo";

    /// <summary>The region; it is the Orleans ClusterId, e.g. <c>eu-west</c>.</summary>
    [Required, RegularExpression("^[a-z][a-z0-9-]{1,30}$", ErrorMessage = "Silo:Region is lower-case letters, digits and '-', e.g. eu-west.")]
    public string Region { get; set; } = "";

    /// <summary>The Orleans ServiceId, the same in every region.</summary>
    [Required]
    public string ServiceId { get; set; } = "custodian";

    /// <summary>The address the silo listens on and advertises to its cluster and clients.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Silo-to-silo port.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port the gateway's Orleans client connects to.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>HTTPS port of the admin endpoint (Orleans dashboard, health).</summary>
    [Range(1, 65535)]
    public int AdminPort { get; set; } = 8443;
}
