using System.Collections.Concurrent;
using Custodian.Client;
using Custodian.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Custodian.Tests.Client;

/// <summary>SDK clients of a platform's gateway, as a client application makes them: its certificate pinned, a token provider.</summary>
internal static class SdkClients
{
    /// <summary>A <see cref="CustodianClient"/> over <paramref name="deadFirst"/> (addresses nothing listens on) and then the platform's gateway, calling with <paramref name="token"/>.</summary>
    public static CustodianClient For(Platform platform, string token, SdkNotices? notices = null, int deadFirst = 0)
    {
        var options = new CustodianClientOptions
        {
            AccessToken = _ => ValueTask.FromResult(token),
            TrustedCertificate = platform.GatewayCertificate,
            Logger = notices,
            OnFailover = notices is null ? null : notices.Failovers.Enqueue,
        };
        for (var i = 0; i < deadFirst; i++)
        {
            options.Endpoints.Add(new Uri($"https://127.0.0.1:{FreePorts.Next()}"));
        }

        options.Endpoints.Add(new Uri($"https://127.0.0.1:{platform.GatewayPort}"));
        return CustodianClient.Create(options);
    }
}

/// <summary>What a client reported: its failover notices (the callback) and its log lines (the logger).</summary>
internal sealed class SdkNotices : ILogger
{
    public ConcurrentQueue<GatewayFailover> Failovers { get; } = new();

    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, formatter(state, exception)));
}
