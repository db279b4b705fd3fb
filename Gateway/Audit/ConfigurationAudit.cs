using Custodian.Audit;
using Custodian.Hosting;

namespace Custodian.Gateway.Audit;

/// <summary>
/// Records the configuration this gateway started with (its digest) in the trail, retrying until
/// the cluster takes it: a configuration change between two starts shows as a new digest.
/// </summary>
public sealed partial class ConfigurationAudit(IAuditTrail audit, ConfigurationDigest digest, GatewayOptions options, TimeProvider time, ILogger<ConfigurationAudit> logger) : BackgroundService
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var record = new AuditRecord(time.GetUtcNow(), $"custodian:gateway/{options.Region}/{options.Address}:{options.Port}", "Configuration:Start",
            "config:" + digest.Value(), "started", options.Address, "");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await audit.WriteAsync(record);
                return;
            }
            catch (Exception e)
            {
                LogNotYet(logger, e);
            }

            try
            {
                await Task.Delay(Retry, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(7104, LogLevel.Warning, "The gateway's configuration is not in the audit trail yet; retrying")]
    private static partial void LogNotYet(ILogger logger, Exception exception);
}
