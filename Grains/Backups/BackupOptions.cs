using System.ComponentModel.DataAnnotations;

namespace Custodian.Backups;

/// <summary>When backups run and how long they are kept.</summary>
public sealed class BackupOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Backup";

    /// <summary>How often a backup runs (a reminder, so it survives silo loss; Orleans' reminders are a minute apart at least).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan Period { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a backup is kept; older ones are deleted after each backup.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}
