using Custodian.Gateway.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Custodian.Gateway;

/// <summary>
/// Healthy while the gateway's own region's cluster answers and has at least one active silo, and every other
/// region it forwards to answers too; degraded (still serving its own region and the others) while another
/// region does not answer; unhealthy when its own region does not.
/// </summary>
internal sealed class ClusterHealthCheck(RegionRouter router) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var answers = await Task.WhenAll(router.Regions.Select(async region => (Region: region, Answer: await HostsAsync(region, cancellationToken))));
        var data = answers.ToDictionary(a => "region:" + a.Region, a => (object)a.Answer.Text);
        var own = answers[0].Answer;
        if (!own.Serving)
        {
            return HealthCheckResult.Unhealthy($"{router.OwnRegion}: {own.Text}", data: data);
        }

        var others = answers.Skip(1).Where(a => !a.Answer.Serving).Select(a => $"{a.Region}: {a.Answer.Text}").ToList();
        return others.Count == 0
            ? HealthCheckResult.Healthy($"{router.OwnRegion}: {own.Text}", data)
            : HealthCheckResult.Degraded($"{router.OwnRegion}: {own.Text}; not reachable: {string.Join("; ", others)}", data: data);
    }

    /// <summary>Whether <paramref name="region"/> has an active silo, and how many, or why that is not known.</summary>
    private async Task<(bool Serving, string Text)> HostsAsync(string region, CancellationToken cancellationToken)
    {
        try
        {
            var hosts = await router.Region(region).GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(Timeout, cancellationToken);
            return hosts.Count > 0 ? (true, $"{hosts.Count} active silo(s)") : (false, "no active silo");
        }
        catch (RegionUnavailableException)
        {
            return (false, "not connected yet");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (false, "the cluster does not answer: " + e.GetType().Name);
        }
    }
}
