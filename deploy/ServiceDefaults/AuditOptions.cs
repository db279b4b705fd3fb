using System.ComponentModel.DataAnnotations;

namespace Custodian.Hosting;

/// <summary>The audit trail: its key and how many partitions each region's trail has.</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Audit";

    /// <summary>The file holding the audit secret (base64, at least 32 bytes); never committed.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>Development only: create <see cref="KeyFile"/> when it is missing.</summary>
    public bool CreateKeyIfMissing { get; set; }

    /// <summary>Partitions of a region's trail; writers spread over them so no one grain is hot.</summary>
    [Range(1, 1024)]
    public int Partitions { get; set; } = 4;
}
