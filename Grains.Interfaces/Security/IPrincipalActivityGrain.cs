namespace Custodian.Security;

/// <summary>
/// One principal's access statistics in one region (keyed <c>region/principal</c>): gateways report
/// what they saw each evaluation period, and every report is checked against the rules at once.
/// </summary>
[Alias("Custodian.Security.IPrincipalActivityGrain")]
public interface IPrincipalActivityGrain : IGrainWithStringKey
{
    /// <summary>The key of <paramref name="principal"/>'s statistics in <paramref name="region"/>.</summary>
    static string Key(string region, string principal) => $"{region}/{principal}";

    /// <summary>Adds a gateway's sample and evaluates the rules; returns the alerts raised.</summary>
    [Alias("Report")]
    Task<IReadOnlyList<SecurityAlert>> ReportAsync(ActivitySample sample);

    /// <summary>The principal's statistics by minute and hour.</summary>
    [Alias("Get")]
    Task<PrincipalActivity> GetAsync();
}
