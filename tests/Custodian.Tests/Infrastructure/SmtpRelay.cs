using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Custodian.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on 127.0.0.1 and a free port (the <c>SmtpServer</c> package, no TLS offered),
/// keeping every message it accepts, parsed with MimeKit. It refuses for good (550) every recipient at
/// <see cref="RefusedDomain"/>, as a relay refuses an unknown mailbox. A test can stop it (connections are refused,
/// as with a relay that is down) and start it again on the same port.
/// </summary>
public sealed class SmtpRelay : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private SmtpServer.SmtpServer? _server;
    private CancellationTokenSource? _stop;
    private Task? _running;
    private int _accepted;

    private SmtpRelay()
    {
    }

    /// <summary>Recipients at this domain are refused with a permanent error.</summary>
    public const string RefusedDomain = "refused.test";

    /// <summary>The port it listens on, the same across stops and starts.</summary>
    public int Port { get; } = FreePorts.Next();

    /// <summary>Every message accepted so far, in order of arrival.</summary>
    public IReadOnlyCollection<ReceivedMail> Received => _received;

    /// <summary>Whether it accepts connections now.</summary>
    public bool IsRunning => _server is not null;

    /// <summary>Starts a relay on a free port.</summary>
    public static async Task<SmtpRelay> StartAsync()
    {
        var relay = new SmtpRelay();
        await relay.StartAgainAsync();
        return relay;
    }

    /// <summary>The messages received with this Message-ID (more than one when a mail was delivered again).</summary>
    public IReadOnlyList<ReceivedMail> WithMessageId(string messageId) => [.. _received.Where(m => m.MessageId == messageId)];

    /// <summary>Starts listening again on <see cref="Port"/>; returns once it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        if (_server is not null)
        {
            return;
        }

        var options = new SmtpServerOptionsBuilder()
            .ServerName("relay.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(new RefuseDomain());
        _stop = new CancellationTokenSource();
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
        await Poll.UntilAsync(async () =>
        {
            if (_running.IsFaulted)
            {
                await _running;
            }

            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }, TimeSpan.FromSeconds(10), e => e is SocketException);
    }

    /// <summary>Stops listening and drops open sessions: from now on connections are refused.</summary>
    public async Task StopAsync()
    {
        if (_server is null)
        {
            return;
        }

        _server.Shutdown();
        await _stop!.CancelAsync();
        try
        {
            await _running!.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _server = null;
        _running = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private sealed class RefuseDomain : MailboxFilter
    {
        public override Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!string.Equals(to.Host, RefusedDomain, StringComparison.OrdinalIgnoreCase));
    }

    private sealed class Store(SmtpRelay relay) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            relay._received.Enqueue(new ReceivedMail(
                message.MessageId ?? "",
                transaction.From.AsAddress(),
                [.. transaction.To.Select(t => t.AsAddress())],
                message.Subject ?? "",
                message.TextBody ?? "",
                message.Headers["X-Custodian-Reference"],
                DateTimeOffset.UtcNow));
            var number = Interlocked.Increment(ref relay._accepted);
            return new SmtpResponse(SmtpReplyCode.Ok, $"2.0.0 Ok: queued as relay-{number}");
        }
    }
}
