using Custodian.Security;

namespace Custodian.Gateway.Security;

/// <summary>Runs the <see cref="ActivityMonitor"/>'s report every evaluation period (<c>Security:EvaluationPeriod</c>).</summary>
public sealed class ActivityReporter(ActivityMonitor monitor, SecurityRules rules, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(rules.EvaluationPeriod, time);
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
