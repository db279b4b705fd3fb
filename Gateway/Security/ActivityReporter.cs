using Custodian.Security;

namespace Custodian.Gateway.Security;

/// <summary>Runs the <see cref="ActivityMonitor"/>'s report every evaluation period (<c>Security:EvaluationPeriod</c>).</summary>
public sealed class ActivityReporter(ActivityMonitor monitor, IConfiguration configuration, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = (configuration.GetSection(SecurityRules.Section).Get<SecurityRules>() ?? new()).EvaluationPeriod;
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await monitor.ReportAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }
}
