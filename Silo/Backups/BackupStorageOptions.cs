namespace Custodian.Silo.Backups;

/// <summary>Where backups are written and which accounts a restore may write into.</summary>
public sealed class BackupStorageOptions
{
    /// <summary>The configuration section (shared with the schedule's <c>Backup:Period</c> and <c>Backup:Retention</c>).</summary>
    public const string Section = "Backup";

    /// <summary>The blob container of the backups, in the account of <c>ConnectionStrings:Backup</c> (default: the region's own).</summary>
    public string Container { get; set; } = "custodian-backups";

    /// <summary>
    /// Storage accounts a restore may rebuild into, by name (connection strings stay in configuration,
    /// never in requests). Each must be in the same residency zone as the region.
    /// </summary>
    public Dictionary<string, string> RestoreTargets { get; set; } = [];
}
