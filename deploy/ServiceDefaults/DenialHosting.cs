using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Custodian.Hosting;

/// <summary>Registers the <see cref="DenialLedger"/> of a host (gateway or silo) from the <c>Denials</c> section.</summary>
public static class DenialHosting
{
    /// <summary>Adds the validated <see cref="DenialLimits"/> and one <see cref="DenialLedger"/>; the host writes its summaries.</summary>
    public static IHostApplicationBuilder AddCustodianDenials(this IHostApplicationBuilder builder)
    {
        builder.AddCustodianOptions<DenialLimits>(DenialLimits.Section);
        builder.Services.AddSingleton<DenialLedger>();
        return builder;
    }
}
