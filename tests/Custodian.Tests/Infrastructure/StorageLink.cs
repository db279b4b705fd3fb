namespace Custodian.Tests.Infrastructure;

/// <summary>
/// The way to one Azurite from elsewhere: a <see cref="FaultProxy"/> in front of its table service and one in
/// front of its blob service. Hosts given <see cref="ConnectionString"/> reach the account through the link;
/// cutting it makes the account unreachable for them (and only them) while nothing stored there changes.
/// The proxies outlive the Azurite behind them, so the link holds across a stop and a start of the account.
/// </summary>
public sealed class StorageLink : IAsyncDisposable
{
    private readonly FaultProxy _tables = new();
    private readonly FaultProxy _blobs = new();

    public StorageLink(AzuriteServer target)
    {
        _tables.TargetPort = target.TablePort;
        _blobs.TargetPort = target.BlobPort;
        ConnectionString = target.ConnectionStringWithPorts(_blobs.Port, _tables.Port);
    }

    /// <summary>The account's connection string through the link.</summary>
    public string ConnectionString { get; }

    /// <summary>Resets every connection through the link and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _tables.Cut();
        _blobs.Cut();
    }

    /// <summary>Until <see cref="Restore"/>, the link answers nothing (callers wait for their timeouts).</summary>
    public void Stall()
    {
        _tables.Stall();
        _blobs.Stall();
    }

    public void Restore()
    {
        _tables.Restore();
        _blobs.Restore();
    }

    public async ValueTask DisposeAsync()
    {
        await _tables.DisposeAsync();
        await _blobs.DisposeAsync();
    }
}
