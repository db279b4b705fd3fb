namespace Custodian.Backups;

/// <summary>When backups run and how long they are kept.</summary>
public sealed class BackupOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Backup";

    /// <summary>How often a backup runs (a reminder, so it survives silo loss).</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a backup is kept; older ones are deleted after each backup.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}
