using System.ComponentModel.DataAnnotations;
using Custodian.Hosting;

namespace Custodian.Silo.Mail;

/// <summary>The SMTP relay the outbox delivers through (section <c>Mail</c>, shared with the retry settings).</summary>
public sealed class SmtpOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Mail";

    /// <summary>The relay's host name or address.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The relay's port (25 or 587 for submission).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>The sender of every notice (the <c>From</c> header and the envelope sender).</summary>
    [Required, EmailAddress]
    public string From { get; set; } = "custodian@localhost";

    /// <summary>The account to authenticate with after TLS; none when empty.</summary>
    public string? UserName { get; set; }

    /// <summary>The account's password (from a secret store or the environment, never a committed file).</summary>
    [Secret]
    public string? Password { get; set; }

    /// <summary>How long one SMTP command may take before the attempt is deferred.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
