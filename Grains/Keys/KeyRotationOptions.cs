using System.ComponentModel.DataAnnotations;

namespace Custodian.Keys;

/// <summary>How the rewrap job runs after a key-encryption-key rotation.</summary>
public sealed class KeyRotationOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "KeyRotation";

    /// <summary>Data keys read and rewrapped per page; progress is saved after every page.</summary>
    [Range(1, 100_000)]
    public int PageSize { get; set; } = 500;

    /// <summary>A pause between pages, to bound the load the job puts on the key table.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan PagePause { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How often the job's reminder fires. The reminder is what resumes an unfinished job after a silo
    /// is lost; while the grain is active, pages follow each other without waiting for it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
