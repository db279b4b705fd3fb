using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Custodian.Mail;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Custodian.Silo.Mail;

/// <summary>
/// Delivers one mail per SMTP conversation with MailKit: STARTTLS when the relay offers it, credentials
/// when configured, the configured sender, and the outbox's message id as the Message-ID header.
/// A 5xx refusal of a recipient or of the message is <see cref="MailSendOutcome.Rejected"/>; every other
/// failure is <see cref="MailSendOutcome.Deferred"/> and retried.
/// Failures become results whose reasons are SMTP codes or error names, never the relay's free text
/// (which may quote addresses). Counts attempts in <c>custodian.mail.attempts</c> (meter <c>Custodian.Mail</c>).
/// </summary>
public sealed class SmtpMailSender : IMailSender
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Custodian.Mail";

    private readonly SmtpOptions _options;
    private readonly ILogger<SmtpMailSender> _logger;
    private readonly Counter<long> _attempts;

    public SmtpMailSender(SmtpOptions options, ILogger<SmtpMailSender> logger, IMeterFactory meters)
    {
        _options = options;
        _logger = logger;
        _attempts = meters.Create(MeterName).CreateCounter<long>("custodian.mail.attempts", unit: "{attempt}", description: "Delivery attempts to the SMTP relay, by outcome");
    }

    public async Task<MailSendResult> SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        var result = await TrySendAsync(mail, cancellationToken);
        _attempts.Add(1, new KeyValuePair<string, object?>("outcome", result.Outcome.ToString().ToLowerInvariant()));
        SmtpLog.Attempted(_logger, mail.MessageId, result.Outcome, _options.Host, _options.Port,
            result.Outcome == MailSendOutcome.Accepted ? "accepted" : result.Answer);
        return result;
    }

    private async Task<MailSendResult> TrySendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(_options.Host, _options.Port, SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
            if (!string.IsNullOrEmpty(_options.UserName))
            {
                await client.AuthenticateAsync(_options.UserName, _options.Password ?? "", cancellationToken);
            }

            var answer = await client.SendAsync(Compose(mail), cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return MailSendResult.Accepted(answer);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500 && e.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted)
        {
            // Only the recipient or the message itself is refused for good; a refused sender or any other
            // 5xx is the relay's configuration (authentication, From), which can be fixed: those are retried.
            return MailSendResult.Rejected($"relay answered {(int)e.StatusCode} ({e.ErrorCode})");
        }
        catch (SmtpCommandException e)
        {
            return MailSendResult.Deferred($"relay answered {(int)e.StatusCode} ({e.ErrorCode})");
        }
        catch (SocketException e)
        {
            return MailSendResult.Deferred($"relay unreachable ({e.SocketErrorCode})");
        }
        catch (Exception e) when (e is SmtpProtocolException or ServiceNotConnectedException or SslHandshakeException or AuthenticationException or IOException or TimeoutException)
        {
            return MailSendResult.Deferred($"relay conversation failed ({e.GetType().Name})");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return MailSendResult.Deferred("relay timed out");
        }
    }

    private MimeMessage Compose(OutgoingMail mail)
    {
        var message = new MimeMessage
        {
            MessageId = mail.MessageId,
            Subject = mail.Subject,
            Body = new TextPart("plain") { Text = mail.Body },
        };
        message.From.Add(MailboxAddress.Parse(_options.From));
        // RFC 3834: an automated notice, so out-of-office replies and the like are not sent back.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.To.AddRange(mail.To.Select(MailboxAddress.Parse));
        if (mail.Reference is { } reference)
        {
            message.Headers.Add("X-Custodian-Reference", reference);
        }

        return message;
    }
}
