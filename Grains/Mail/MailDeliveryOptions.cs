using System.ComponentModel.DataAnnotations;

namespace Custodian.Mail;

/// <summary>How the outbox retries: exponential backoff from <see cref="InitialRetryDelay"/> up to <see cref="MaxRetryDelay"/>.</summary>
public sealed class MailDeliveryOptions
{
    /// <summary>The configuration section (shared with the SMTP relay's settings).</summary>
    public const string Section = "Mail";

    /// <summary>The wait after the first failed attempt; each further failure doubles it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The wait before attempt number <paramref name="failures"/> + 1, after that many failures.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        var factor = Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        var delay = InitialRetryDelay.TotalMilliseconds * factor;
        return delay >= MaxRetryDelay.TotalMilliseconds ? MaxRetryDelay : TimeSpan.FromMilliseconds(delay);
    }
}
